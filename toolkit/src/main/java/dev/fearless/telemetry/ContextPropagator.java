package dev.fearless.telemetry;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * Carries one kind of thread context (an slf4j MDC, {@link ScopedValue} bindings, a tracing
 * span...) from the thread that forks or submits work into the thread that runs it.
 *
 * <p>Scopes and executors capture on the forking thread and install the snapshot around the task.
 * Implementations can be registered per component (through {@link ContextPropagation}) or for the
 * whole application with {@link java.util.ServiceLoader} (class-path
 * {@code META-INF/services/dev.fearless.telemetry.ContextPropagator} or a module's
 * {@code provides}); {@link ContextPropagation#defaults()} includes those.
 *
 * <pre>{@code
 * static final ScopedValue<String> REQUEST_ID = ScopedValue.newInstance();
 *
 * ContextPropagation propagation = ContextPropagation.defaults()
 *         .with(ContextPropagator.scopedValues(REQUEST_ID));
 * }</pre>
 */
public interface ContextPropagator {

    /**
     * Captures this propagator's context on the calling thread. Called once per fork or
     * submission, so it should be cheap; return {@link ContextSnapshot#EMPTY} when there is
     * nothing to carry.
     *
     * @return the captured context
     */
    ContextSnapshot capture();

    /**
     * Returns a propagator that copies the slf4j {@link MDC} of the forking thread into the task
     * and restores the task thread's previous MDC afterwards.
     *
     * @return the MDC propagator
     */
    static ContextPropagator mdc() {
        return MdcPropagator.INSTANCE;
    }

    /**
     * Returns a propagator that re-binds the given scoped values in the task to the values they
     * have on the forking thread; keys not bound there stay unbound in the task.
     *
     * @param keys the scoped values to carry
     * @return the scoped-value propagator
     * @throws NullPointerException if {@code keys} or any key is null
     */
    static ContextPropagator scopedValues(ScopedValue<?>... keys) {
        return new ScopedValuePropagator(keys);
    }
}

/** Copies the MDC map; a thread with an empty MDC captures nothing. */
enum MdcPropagator implements ContextPropagator {
    INSTANCE;

    @Override
    public ContextSnapshot capture() {
        Map<String, String> captured = MDC.getCopyOfContextMap();
        if (captured == null || captured.isEmpty()) {
            return ContextSnapshot.EMPTY;
        }
        return body -> {
            Map<String, String> previous = MDC.getCopyOfContextMap();
            MDC.setContextMap(captured);
            try {
                body.run();
            } finally {
                if (previous == null) {
                    MDC.clear();
                } else {
                    MDC.setContextMap(previous);
                }
            }
        };
    }

    @Override
    public String toString() {
        return "ContextPropagator.mdc()";
    }
}

/** Re-binds scoped values through one carrier; ScopedValue bindings end with the body. */
final class ScopedValuePropagator implements ContextPropagator {
    private final ScopedValue<?>[] keys;

    ScopedValuePropagator(ScopedValue<?>[] keys) {
        Objects.requireNonNull(keys, "keys");
        this.keys = keys.clone();
        for (int i = 0; i < this.keys.length; i++) {
            Objects.requireNonNull(this.keys[i], "keys[" + i + "]");
        }
    }

    @Override
    public ContextSnapshot capture() {
        ScopedValue.@Nullable Carrier carrier = null;
        for (ScopedValue<?> key : keys) {
            if (key.isBound()) {
                carrier = bind(carrier, key);
            }
        }
        if (carrier == null) {
            return ContextSnapshot.EMPTY;
        }
        ScopedValue.Carrier bindings = carrier;
        return bindings::run;
    }

    private static <T> ScopedValue.Carrier bind(ScopedValue.@Nullable Carrier carrier, ScopedValue<T> key) {
        T value = key.get();
        return carrier == null ? ScopedValue.where(key, value) : carrier.where(key, value);
    }

    @Override
    public String toString() {
        return "ContextPropagator.scopedValues" + Arrays.toString(keys);
    }
}
