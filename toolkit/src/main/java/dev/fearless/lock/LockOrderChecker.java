package dev.fearless.lock;

import java.util.Objects;

/**
 * The lock-order checker: records, for every {@link RankedLock}, which locks were taken while
 * holding which, and reports an acquisition that closes a cycle in that "taken while holding"
 * graph — a deadlock that <em>could</em> happen when the threads involved run at the same time,
 * reported the first time the orderings are seen, even though no thread is blocked. This is the
 * runtime check that Linux's lockdep and Abseil's {@code Mutex} make; it finds cycles of any
 * length, between lock classes as well as single locks.
 *
 * <h2>What is recorded</h2>
 * <ul>
 *   <li>An edge A &rarr; B when a thread that holds A starts a blocking acquisition of B
 *       ({@link RankedLock#lock() lock}, {@link RankedLock#lockInterruptibly() lockInterruptibly},
 *       a timed {@link RankedLock#tryLock(long, java.util.concurrent.TimeUnit) tryLock}, or a
 *       {@link Locks} set). An untimed {@link RankedLock#tryLock() tryLock()} cannot wait, so it
 *       records nothing, but the lock it takes counts as held afterwards.</li>
 *   <li>For a lock with a {@linkplain RankedLock#lockClass() lock class}, edges are between
 *       classes: account A &rarr; ledger and ledger &rarr; account B form a cycle, and so does
 *       holding one account while taking another outside {@link Locks} (a cycle of one class).</li>
 *   <li>The members of one {@link Locks} set get no edges among themselves: the multi-lock takes
 *       them without deadlock whatever their order. Locks held before the set get an edge to
 *       each member; the optional hold-and-wait rule ({@link #setCheckHoldAndWait(boolean)})
 *       reports asking for a set while holding any tracked lock at all.</li>
 * </ul>
 *
 * <h2>Modes</h2>
 * <ul>
 *   <li>{@link Mode#OFF} (default): nothing is recorded; every lock operation pays one flag read.</li>
 *   <li>{@link Mode#WARN}: a violation is logged once per edge (slf4j, at WARN, logger
 *       {@code dev.fearless.lock.LockOrderChecker}) and reported to
 *       {@link dev.fearless.telemetry.TelemetryListener#lockOrderViolation}; the acquisition goes
 *       on. A known ordering costs one lock-free map read per held lock.</li>
 *   <li>{@link Mode#THROW}: for tests. The acquisition throws a {@link LockOrderException}
 *       <em>before</em> taking anything, every time it is attempted. THROW also records where each
 *       lock was taken, so reports show both stacks of every edge.</li>
 * </ul>
 *
 * <p>The initial settings come from system properties, so a test run can turn the checker on
 * without code: {@value #MODE_PROPERTY} ({@code off}, {@code warn} or {@code throw}),
 * {@value #HOLD_SITES_PROPERTY} and {@value #HOLD_AND_WAIT_PROPERTY} ({@code true} or
 * {@code false}).
 *
 * <pre>{@code
 * @BeforeAll
 * static void strictLocking() {
 *     LockOrderChecker.setMode(LockOrderChecker.Mode.THROW);
 * }
 *
 * @AfterEach
 * void forgetOrderings() {
 *     LockOrderChecker.reset();   // orderings seen by one test do not leak into the next
 * }
 * }</pre>
 *
 * <p>The graph holds locks weakly: a lock that becomes unreachable disappears from it with its
 * edges. {@link #reset()} forgets every ordering; {@link #forget(RankedLock)} those of one lock.
 * Two threads that add the two halves of a cycle at the same moment are still reported: new
 * orderings are added one at a time (Guava's {@code CycleDetectingLockFactory} can miss them,
 * google/guava#2048).
 *
 * <p>Memory consistency effects: settings changed by one thread are seen by acquisitions that
 * start afterwards in any thread (they are volatile); an ordering recorded by one thread's
 * acquisition is seen by every acquisition that starts after it was recorded.
 */
public final class LockOrderChecker {

    /** System property with the initial mode: {@code off}, {@code warn} or {@code throw}. */
    public static final String MODE_PROPERTY = "fearless.lock.checker";
    /** System property: {@code true} to record where each lock was taken in WARN mode too. */
    public static final String HOLD_SITES_PROPERTY = "fearless.lock.checker.recordHoldSites";
    /** System property: {@code true} to turn on the hold-and-wait rule. */
    public static final String HOLD_AND_WAIT_PROPERTY = "fearless.lock.checker.checkHoldAndWait";

    private LockOrderChecker() {}

    /**
     * What the checker does.
     *
     * <pre>{@code
     * LockOrderChecker.setMode(LockOrderChecker.Mode.WARN);
     * }</pre>
     */
    public enum Mode {
        /** Record nothing. */
        OFF,
        /** Log each violation once and report it to telemetry; acquisitions proceed. */
        WARN,
        /** Throw a {@link LockOrderException} before acquiring, on every violating attempt. */
        THROW
    }

    /**
     * Returns the current mode.
     *
     * @return the mode
     */
    public static Mode mode() {
        return LockGraph.mode();
    }

    /**
     * Sets the mode for acquisitions that start from now on. Orderings recorded so far are kept
     * (use {@link #reset()} to drop them); turning the checker off and on again may miss
     * orderings of locks taken while it was off.
     *
     * @param mode the new mode
     * @throws NullPointerException if {@code mode} is null
     */
    public static void setMode(Mode mode) {
        LockGraph.setMode(Objects.requireNonNull(mode, "mode"));
    }

    /**
     * Returns whether WARN mode records where each lock was taken (THROW mode always does).
     *
     * @return the setting
     */
    public static boolean recordsHoldSites() {
        return LockGraph.recordHoldSites;
    }

    /**
     * Sets whether WARN mode records where each lock was taken, so that reports show the stack
     * of the held lock of each edge, not only the acquiring one. Recording costs a stack walk per
     * acquisition (a few microseconds), so it is off by default in WARN mode; THROW mode always
     * records.
     *
     * @param record {@code true} to record hold sites in WARN mode
     */
    public static void setRecordHoldSites(boolean record) {
        LockGraph.recordHoldSites = record;
    }

    /**
     * Returns whether the hold-and-wait rule is on.
     *
     * @return the setting
     */
    public static boolean checksHoldAndWait() {
        return LockGraph.checkHoldAndWait;
    }

    /**
     * Turns the hold-and-wait rule on or off: when on, asking {@link Locks} for a set while
     * already holding a tracked lock (not in the set) is a violation, reported according to the
     * mode ({@link HoldAndWaitException} in THROW mode). Off by default.
     *
     * @param check {@code true} to report hold-and-wait
     */
    public static void setCheckHoldAndWait(boolean check) {
        LockGraph.checkHoldAndWait = check;
    }

    /**
     * Forgets every recorded ordering, such as between tests. Locks and settings are kept; locks
     * held right now still count as held.
     */
    public static void reset() {
        LockGraph.GLOBAL.clear();
    }

    /**
     * Forgets every ordering recorded for {@code lock}: edges into it and out of it. For a lock
     * with a lock class, the orderings are the class's, so this forgets those of the whole class.
     *
     * @param lock the lock to forget
     * @throws NullPointerException if {@code lock} is null
     */
    public static void forget(RankedLock lock) {
        LockGraph.GLOBAL.forget(Objects.requireNonNull(lock, "lock").ranking);
    }
}
