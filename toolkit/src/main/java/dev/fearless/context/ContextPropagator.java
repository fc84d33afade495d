package dev.fearless.context;

import org.slf4j.MDC;

/**
 * Carries one kind of thread context (an slf4j MDC, {@link ScopedValue} bindings, a tracing
 * span...) from the thread that forks or submits work into the thread that runs it.
 *
 * <p>Scopes and executors capture on the forking thread and install the snapshot around the task.
 * Implementations can be registered per component (through {@link ContextPropagation}) or for the
 * whole application with {@link java.util.ServiceLoader} (class-path
 * {@code META-INF/services/dev.fearless.context.ContextPropagator} or a module's
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
