package dev.fearless.telemetry;

/**
 * The events of one lock, bound once: what {@link TelemetryListener#bindLock} returns and the lock
 * holds, so an event costs a call on this object instead of a lookup by name. A lock asks for a
 * new binding whenever the set of registered listeners changes.
 *
 * <p>Locks read the clock only for what was asked: a wait is timed only when the acquisition had
 * to wait (an uncontended one reports a wait of zero without reading the clock), and a hold is
 * timed, with a clock read at acquisition and one at release, only when {@link #timesHolds()} is
 * {@code true}; otherwise {@link #released} is not called at all.
 *
 * <p>Implementations follow the rules of {@link TelemetryListener}: fast, never blocking, never
 * calling back into the lock.
 *
 * <pre>{@code
 * final class CountingLock implements LockTelemetry {
 *     final LongAdder acquisitions = new LongAdder();
 *     public void acquired(long waitNanos, boolean contended) { acquisitions.increment(); }
 *     public void released(long heldNanos) {}
 *     public void abandoned(Outcome outcome, long waitNanos) {}
 *     public boolean timesHolds() { return false; } // no clock read on an uncontended lock/unlock
 * }
 * }</pre>
 */
public interface LockTelemetry {

    /**
     * The outermost hold of the lock was acquired.
     *
     * @param waitNanos time spent waiting for it; {@code 0}, without a clock read, when it was free
     * @param contended whether another thread held it when acquisition began
     */
    void acquired(long waitNanos, boolean contended);

    /**
     * The outermost hold was released; called only when {@link #timesHolds()} was {@code true} at
     * the acquisition.
     *
     * @param heldNanos time from the outermost acquisition to this release
     */
    void released(long heldNanos);

    /**
     * A timed or interruptible acquisition gave up.
     *
     * @param outcome {@link Outcome#TIMEOUT} or {@link Outcome#CANCELLED} (interrupted)
     * @param waitNanos time spent waiting before giving up
     */
    void abandoned(Outcome outcome, long waitNanos);

    /**
     * Returns whether holds are timed: two clock reads per hold, and a {@link #released} call.
     * Read once per binding.
     *
     * @return {@code true} to receive {@link #released} with hold times
     */
    boolean timesHolds();
}
