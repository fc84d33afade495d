/**
 * Micrometer context propagation for Fearless:
 * {@link dev.fearless.context.micrometer.MicrometerContextPropagator} carries every
 * {@code ThreadLocalAccessor} registered with Micrometer's {@code ContextRegistry} (tracing spans
 * and baggage, MDC, Reactor's context) into Fearless forks and executor tasks. On the module or
 * class path it is found by {@link java.util.ServiceLoader}, so
 * {@link dev.fearless.context.ContextPropagation#defaults()} includes it with no code.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // context-propagation ships an automatic module name only
module dev.fearless.context.micrometer {
    requires transitive dev.fearless;
    requires transitive context.propagation;
    requires transitive micrometer.observation;
    requires static transitive org.jspecify;

    exports dev.fearless.context.micrometer;

    provides dev.fearless.context.ContextPropagator with dev.fearless.context.micrometer.MicrometerContextPropagator;
}
