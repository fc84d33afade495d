package dev.fearless.handle;

import java.util.Locale;
import java.util.Objects;

/**
 * The debugging aids of the handles: leak detection (guards never closed, moved values never
 * received) and the recording of borrow sites (so that a {@link BorrowException} can say where
 * the outstanding borrow was taken).
 *
 * <h2>Leak detection</h2>
 * A tracked guard or {@link Owned.Moved} value that becomes unreachable without being closed or
 * received is reported, once the garbage collector has noticed, by a warning on the slf4j logger
 * {@code dev.fearless.handle.Diagnostics} naming the handle and the stack where the guard was
 * taken (or the value moved), and by a
 * {@link dev.fearless.telemetry.TelemetryListener#handleLeaked(String, String) handleLeaked}
 * event with kind {@code "guard"} or {@code "move"}. Reports come from a {@link java.lang.ref.Cleaner}
 * thread. The closure forms ({@code read}, {@code update}, {@code mutate}) take no guard and are never tracked.
 * <ul>
 *   <li>{@link LeakDetection#OFF}: nothing is tracked.</li>
 *   <li>{@link LeakDetection#SAMPLED} (default): one guard in {@value #SAMPLE_INTERVAL} (chosen at
 *       random) is tracked, so a leak in a code path that runs repeatedly is reported, at an
 *       amortized cost of a few nanoseconds per guard (a tracked guard costs a stack capture and a
 *       cleaner registration, a few microseconds); every move is tracked (a move records its
 *       site anyway).</li>
 *   <li>{@link LeakDetection#ALL}: every guard and move is tracked, at a few microseconds per
 *       guard; for tests and debugging.</li>
 * </ul>
 *
 * <h2>Borrow sites</h2>
 * While on, each {@link Confined} borrow captures its stack, and a conflicting borrow's
 * {@link BorrowException} has it as its cause. A capture costs a few microseconds (measured at
 * 2-4 &micro;s per borrow on a loaded 2-core machine, against about 50 ns for the borrow itself),
 * so, as Rust's {@code debug_refcell}, it is on by default only where assertions are enabled
 * ({@code -ea}, as in test runs) and off otherwise; the exception then says how to turn it on.
 *
 * <p>The initial settings come from system properties: {@value #LEAK_DETECTION_PROPERTY}
 * ({@code off}, {@code sampled} or {@code all}) and {@value #BORROW_SITES_PROPERTY}
 * ({@code true} or {@code false}).
 *
 * <pre>{@code
 * @BeforeAll
 * static void strictHandles() {
 *     Diagnostics.setLeakDetection(Diagnostics.LeakDetection.ALL);
 * }
 * }</pre>
 *
 * <p>Memory consistency effects: settings are volatile; a change is seen by guards, moves and
 * borrows that start afterwards in any thread.
 */
public final class Diagnostics {

    /** System property with the initial leak detection: {@code off}, {@code sampled} or {@code all}. */
    public static final String LEAK_DETECTION_PROPERTY = "fearless.handle.leakDetection";
    /**
     * System property: {@code true} or {@code false} to record where {@link Confined} borrows were
     * taken; unset, recording follows whether assertions are enabled for this package.
     */
    public static final String BORROW_SITES_PROPERTY = "fearless.handle.borrowSites";
    /** In {@link LeakDetection#SAMPLED} mode, one guard in this many is tracked. */
    public static final int SAMPLE_INTERVAL = 1024;

    static volatile LeakDetection leakDetection = initialLeakDetection();
    static volatile boolean borrowSites = initialBorrowSites();

    private Diagnostics() {}

    /**
     * Which guards and moves are tracked for leaks.
     *
     * <pre>{@code
     * Diagnostics.setLeakDetection(Diagnostics.LeakDetection.OFF);
     * }</pre>
     */
    public enum LeakDetection {
        /** Track nothing. */
        OFF,
        /** Track one guard in {@value Diagnostics#SAMPLE_INTERVAL}, and every move. */
        SAMPLED,
        /** Track every guard and every move. */
        ALL
    }

    /**
     * Returns the current leak detection mode.
     *
     * @return the mode
     */
    public static LeakDetection leakDetection() {
        return leakDetection;
    }

    /**
     * Sets the leak detection mode for guards taken and values moved from now on.
     *
     * @param mode the new mode
     * @throws NullPointerException if {@code mode} is null
     */
    public static void setLeakDetection(LeakDetection mode) {
        leakDetection = Objects.requireNonNull(mode, "mode");
    }

    /**
     * Returns whether {@link Confined} borrows record where they were taken.
     *
     * @return the setting
     */
    public static boolean recordsBorrowSites() {
        return borrowSites;
    }

    /**
     * Sets whether {@link Confined} borrows taken from now on record where they were taken.
     *
     * @param record {@code true} to record borrow sites
     */
    public static void setRecordBorrowSites(boolean record) {
        borrowSites = record;
    }

    private static boolean initialBorrowSites() {
        String value = System.getProperty(BORROW_SITES_PROPERTY);
        return value == null ? Diagnostics.class.desiredAssertionStatus() : Boolean.parseBoolean(value.trim());
    }

    private static LeakDetection initialLeakDetection() {
        String value = System.getProperty(LEAK_DETECTION_PROPERTY, "sampled").trim().toUpperCase(Locale.ROOT);
        try {
            return LeakDetection.valueOf(value);
        } catch (IllegalArgumentException e) {
            return LeakDetection.SAMPLED;
        }
    }
}
