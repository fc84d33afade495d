/**
 * Micrometer meters for Fearless: {@link dev.fearless.metrics.FearlessMetrics} turns the
 * toolkit's telemetry events into {@code fearless.*} meters;
 * {@link dev.fearless.metrics.StructureJmx} publishes the toolkit's structure snapshot as the
 * JMX MBean {@code dev.fearless:type=Structure}.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // Micrometer ships automatic module names only
module dev.fearless.metrics {
    requires transitive dev.fearless;
    requires transitive micrometer.core;
    requires transitive java.management;
    requires org.slf4j;
    requires static transitive org.jspecify;

    exports dev.fearless.metrics;
}
