package dev.fearless.spring.boot;

import dev.fearless.metrics.FearlessMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import org.springframework.beans.factory.DisposableBean;

/**
 * {@link FearlessMetrics} bound to the application's {@link MeterRegistry} as soon as this bean is
 * created, so components created afterwards — the auto-configured executor among them — report
 * their gauges. (Spring Boot binds {@code MeterBinder} beans only once every singleton exists,
 * which is too late for the gauges of components created at start-up; this is why the binder is
 * held here rather than published as a {@code MeterBinder} bean.)
 *
 * <pre>{@code
 * FearlessMetricsBinding binding = FearlessMetricsBinding.bind(FearlessMetrics.builder().build(), registry);
 * binding.destroy();   // listener removed, fearless.* meters removed from the registry
 * }</pre>
 */
public final class FearlessMetricsBinding implements DisposableBean {

    private final FearlessMetrics metrics;
    private final MeterRegistry registry;

    private FearlessMetricsBinding(FearlessMetrics metrics, MeterRegistry registry) {
        this.metrics = metrics;
        this.registry = registry;
    }

    /**
     * Binds {@code metrics} to {@code registry}.
     *
     * @param metrics an unbound binder
     * @param registry where the meters go
     * @return the binding
     * @throws NullPointerException if an argument is null
     * @throws IllegalStateException if {@code metrics} is already bound or closed
     */
    public static FearlessMetricsBinding bind(FearlessMetrics metrics, MeterRegistry registry) {
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(registry, "registry");
        metrics.bindTo(registry);
        return new FearlessMetricsBinding(metrics, registry);
    }

    /**
     * Returns the bound binder.
     *
     * @return the binder
     */
    public FearlessMetrics metrics() {
        return metrics;
    }

    /**
     * Returns the registry the meters are in.
     *
     * @return the registry
     */
    public MeterRegistry registry() {
        return registry;
    }

    /** Stops listening and removes the {@code fearless.*} meters. */
    @Override
    public void destroy() {
        metrics.close();
    }

    @Override
    public String toString() {
        return "FearlessMetricsBinding[" + registry.getClass().getSimpleName() + "]";
    }
}
