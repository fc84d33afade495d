package dev.fearless.test;

/**
 * Channels spin for a few microseconds of wall time (Thread.yield in a virtual thread) before
 * they park: under the explorer each spin round is a step, so the number of steps would depend on
 * the clock and schedules would not replay. The toolkit turns spinning off for the whole JVM with
 * {@value #PROPERTY}{@code =false}, read when the channel classes load; the explorer sets it if it
 * is unset (enough when no channel was used before), and this module's test JVM passes it.
 */
final class ToolkitSpin {

    static final String PROPERTY = "fearless.channel.spin";

    private ToolkitSpin() {}

    /** Asks the toolkit not to spin, unless the JVM was started with an explicit setting. */
    static void requestOff() {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, "false");
        }
    }
}
