/**
 * JDK Flight Recorder events for Fearless: {@link dev.fearless.jfr.FearlessJfr} turns the
 * toolkit's telemetry events into {@code dev.fearless.*} JFR events, with no dependency beyond the
 * JDK.
 */
module dev.fearless.jfr {
    requires transitive dev.fearless;
    requires transitive jdk.jfr; // configuration() returns a jdk.jfr.Configuration
    requires static transitive org.jspecify;

    exports dev.fearless.jfr;
}
