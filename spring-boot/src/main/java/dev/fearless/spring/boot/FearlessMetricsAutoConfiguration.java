package dev.fearless.spring.boot;

import dev.fearless.metrics.FearlessMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Binds {@link FearlessMetrics} to the application's {@link MeterRegistry}, with
 * {@code fearless.metrics.max-names}, {@code fearless.metrics.percentile-histograms} and
 * {@code fearless.metrics.tag-locks-by-class}.
 *
 * <pre>{@code
 * // application.properties
 * fearless.metrics.max-names=200
 * fearless.metrics.percentile-histograms=true
 * }</pre>
 */
@AutoConfiguration(
        after = FearlessAutoConfiguration.class,
        afterName = {
            "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"
        })
@ConditionalOnClass({MeterRegistry.class, FearlessMetrics.class})
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "fearless.metrics.enabled", matchIfMissing = true)
public class FearlessMetricsAutoConfiguration {

    /** Created by Spring. */
    public FearlessMetricsAutoConfiguration() {}

    /**
     * The binding of the {@code fearless.*} meters to the application's (primary) registry.
     *
     * @param registry the application's registry
     * @param properties the properties
     * @return the binding; closed, and its meters removed, when the application closes
     */
    @Bean
    @ConditionalOnMissingBean
    public FearlessMetricsBinding fearlessMetricsBinding(MeterRegistry registry, FearlessProperties properties) {
        FearlessProperties.Metrics options = properties.getMetrics();
        FearlessMetrics metrics = FearlessMetrics.builder()
                .maxNames(options.getMaxNames())
                .percentileHistograms(options.isPercentileHistograms())
                .tagLocksByClass(options.isTagLocksByClass())
                .timeLockHolds(options.isTimeLockHolds())
                .build();
        return FearlessMetricsBinding.bind(metrics, registry);
    }
}
