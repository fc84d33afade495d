package dev.fearless.bridge;

/** TCK timeouts: generous enough for a loaded 2-core machine, short enough to keep the run brief. */
final class Tck {
    /** How long the TCK waits for an expected signal. */
    static final long TIMEOUT_MILLIS = 800;
    /** How long the TCK waits to make sure no signal comes. */
    static final long NO_SIGNAL_MILLIS = 100;
    /** How long the TCK waits for a cancelled subscriber to be garbage collected (rule 3.13). */
    static final long GC_TIMEOUT_MILLIS = 2000;

    private Tck() {}
}
