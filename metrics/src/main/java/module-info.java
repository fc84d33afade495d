/**
 * Micrometer meters for Fearless: {@link dev.fearless.metrics.FearlessMetrics} turns the
 * toolkit's telemetry events into {@code fearless.*} meters.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // Micrometer ships automatic module names only
module dev.fearless.metrics {
    requires transitive dev.fearless;
    requires transitive micrometer.core;
    requires org.slf4j;
    requires static transitive org.jspecify;

    exports dev.fearless.metrics;
}
