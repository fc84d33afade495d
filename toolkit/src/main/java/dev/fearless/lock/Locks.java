package dev.fearless.lock;

import dev.fearless.internal.Durations;
import dev.fearless.internal.TimeSource;
import dev.fearless.telemetry.LockTelemetry;
import dev.fearless.telemetry.Outcome;
import dev.fearless.telemetry.Telemetry;
import dev.fearless.telemetry.TelemetryListener;
import dev.fearless.tracking.Tracking;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Acquires any set of {@link RankedLock}s at once, without deadlock, and returns one
 * {@link HeldLocks} that releases them all: the Java counterpart of C++'s {@code std::lock} /
 * {@code std::scoped_lock}.
 *
 * <pre>{@code
 * try (HeldLocks held = Locks.lockAll(from.lock, to.lock)) {   // either order, same result
 *     from.balance -= amount;
 *     to.balance += amount;
 * }
 *
 * Optional<HeldLocks> all = Locks.tryLockAll(Duration.ofMillis(50), accountLocks);
 * if (all.isEmpty()) {
 *     return Result.BUSY;                                       // timed out: nothing is held
 * }
 * try (HeldLocks held = all.get()) {
 *     // ...
 *     return Result.DONE;
 * }
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li><b>Deadlock-free by construction</b> among sets: two threads asking for {a, b} and
 *       {b, a}, or for overlapping sets such as {a, b}, {b, c}, {c, a}, never deadlock, whichever
 *       {@link Strategy} each uses. A set waits only while holding nothing
 *       ({@link Strategy#BACK_OFF}) or while holding lower-ranked members only
 *       ({@link Strategy#ORDERED}), so no cycle of waiting sets can form.</li>
 *   <li><b>All or nothing</b>: on return every lock is held; when a timed attempt times out, an
 *       interruptible one is interrupted, or the {@link LockOrderChecker} throws, none is (locks
 *       the thread held before the call stay held).</li>
 *   <li><b>Duplicates</b> are taken once: {@code lockAll(a, a, b)} holds {@code a} once. The
 *       read and write views of one {@link OrderedReadWriteLock} in the same set count as its
 *       write view. A lock the thread already holds is re-entered and released again by
 *       {@link HeldLocks#close()}.</li>
 *   <li>A lock held <em>outside</em> the set is not covered: holding {@code c} while asking for
 *       {@code {a, b}} can deadlock with a thread holding {@code a} and asking for {@code c}. The
 *       {@link LockOrderChecker} records such orderings like any other, and its hold-and-wait
 *       rule reports such calls too.</li>
 * </ul>
 *
 * <p>Telemetry: each lock of the set the thread did not already hold is reported as acquired
 * once the whole set is held, with the time the set took; on timeout or interrupt each is
 * reported as abandoned. A listener that throws an error from {@code lockAcquired} (the
 * dispatcher rethrows {@link VirtualMachineError}s) makes the call throw it with no lock of the
 * set held, as for any other failure.
 *
 * <p>Timeouts follow the toolkit's rule: zero does not wait, a negative one is refused, and one
 * too long to count in nanoseconds ({@code Duration.ofSeconds(Long.MAX_VALUE)}) waits
 * practically forever.
 *
 * <p>Memory consistency effects: as for each lock of the set; see {@link HeldLocks}.
 */
public final class Locks {

    /*
     * Implementation overview.
     *
     * Every entry point turns its arguments into a private array of distinct locks sorted by
     * rank, runs the checker's set check (which throws before anything is taken), runs the
     * strategy, then reports telemetry and pushes the members on the thread's checker holds.
     * Strategies use the locks' raw operations (no per-lock checker or telemetry: taking and
     * dropping members while backing off is not an acquisition anyone should see), but wait
     * through RankedLock.waitXxx so the deadlock watchdog sees who waits for what.
     *
     * ORDERED: acquire in rank order, blocking on each. Deadlock-free because every thread waits
     * only for a lock ranked above all it holds in the set.
     *
     * BACK_OFF: "smart & polite" from Howard Hinnant, "Dining Philosophers Rebooted" (2014), the
     * algorithm behind libc++'s std::lock: block on one lock (first the lowest-ranked, then the
     * one that failed last), try the others without waiting, and if one is taken release
     * everything, yield the carrier, and start again by blocking on the lock that failed. It
     * never waits while holding anything, so it cannot take part in a deadlock with anyone, and
     * it does not hold locks others need while it waits. It can, in theory, go round forever;
     * after POLITE_ROUNDS failed rounds it falls back to ORDERED, which always progresses.
     *
     * The two strategies mix safely: a BACK_OFF waiter holds nothing, and ORDERED waiters are
     * ordered among themselves.
     *
     * The default is BACK_OFF, chosen by measurement; see DEFAULT_STRATEGY.
     */

    /**
     * How a set is acquired; both are deadlock-free and they can be mixed freely.
     *
     * <pre>{@code
     * Locks.lockAll(Locks.Strategy.ORDERED, List.of(a, b));
     * }</pre>
     */
    public enum Strategy {
        /** Acquire in rank order, waiting for each in turn. */
        ORDERED,
        /**
         * "Smart and polite" try-and-back-off (Hinnant): wait only for the lock that was busy
         * last, while holding nothing; try the others; if one is busy, release all, yield and
         * start again with it. Falls back to {@link #ORDERED} after a bounded number of rounds, so
         * it cannot livelock.
         */
        BACK_OFF
    }

    /*
     * The default strategy, chosen with the dining-philosophers harness in the tests
     * (DiningPhilosophers: Hinnant's round table on virtual threads; every diner is always
     * hungry and eats meals of 1-10 ms until it has eaten 2 s in total). Reproduce with
     *   mvn -pl toolkit verify -Dtest=DiningPhilosophers -Dfearless.dining=true \
     *       -Dsurefire.failIfNoSpecifiedTests=false
     * and read toolkit/target/surefire-reports/dev.fearless.lock.DiningPhilosophers-output.txt.
     * Wall time to finish, three runs each, 2 cores (shared with other builds), JDK 25.0.3; the
     * ideal is N * 2 s / floor(N / 2):
     *
     *   diners  ideal   ORDERED                  BACK_OFF             longest wait for forks
     *   5       5.0 s   12.6 / 10.9 / 11.3 s     5.7 / 6.1 / 6.3 s    ORDERED 9.3 s, BACK_OFF 0.36 s
     *   32      4.0 s   57.9 / 58.6 / 61.9 s     4.8 / 4.5 / 4.7 s    ORDERED 56.7 s, BACK_OFF 0.66 s
     *
     * Rank order lets a diner wait on its low fork while holding nothing useful and lets the
     * non-fair locks starve it (a neighbour releases and barges straight back in); back-off
     * keeps within 15-25% of the ideal. Hinnant saw the same ranking in C++ (32 diners on 4
     * cores: ordered ~251 s, smart & polite ~201 s, ideal 60 s); on virtual threads the gap is
     * wider.
     */
    private static final Strategy DEFAULT_STRATEGY = Strategy.BACK_OFF;

    /** Failed back-off rounds before falling back to rank order. */
    static final int POLITE_ROUNDS = 16;

    private static final int UNINTERRUPTIBLE = 0;
    private static final int INTERRUPTIBLE = 1;
    private static final int TIMED = 2;

    private static final int FREE = 0;
    private static final int CONTENDED = 1;
    private static final int TIMED_OUT = -1;

    /** Sets up to this size are sorted by insertion; larger ones by Arrays.sort. */
    private static final int INSERTION_SORT_MAX = 16;
    private static final Comparator<RankedLock> BY_RANK = Comparator.comparingLong(lock -> lock.ranking.rank);

    private Locks() {}

    /**
     * Returns the strategy the methods without a {@link Strategy} argument use.
     *
     * @return the default strategy
     */
    public static Strategy defaultStrategy() {
        return DEFAULT_STRATEGY;
    }

    // ------------------------------------------------------------------ uninterruptible

    /**
     * Acquires two locks, in either order, without deadlock; waits uninterruptibly.
     *
     * @param first a lock
     * @param second another lock, or the same one
     * @return the held set; close it to release both
     * @throws NullPointerException if either lock is null
     * @throws LockOrderException if the lock-order checker is in THROW mode and taking these
     *     locks while holding the thread's other locks breaks a rule; thrown before anything is
     *     acquired
     */
    public static HeldLocks lockAll(RankedLock first, RankedLock second) {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
        if (!LockGraph.enabled && Telemetry.listener() == null) {
            // Fast path: both free. Rank order, so it is the first step of either strategy.
            boolean inOrder = first.ranking.rank < second.ranking.rank;
            RankedLock low = inOrder ? first : second;
            RankedLock high = inOrder ? second : first;
            if (low.ranking != high.ranking && low.tryAcquire()) {
                if (high.tryAcquire()) {
                    if (Tracking.enabled()) {
                        trackHolds(new RankedLock[] {low, high});
                    }
                    return new HeldLocks(low, high); // two fields, no array: see HeldLocks
                }
                low.release();
            }
        }
        return acquireUnchecked(DEFAULT_STRATEGY, normalize(new RankedLock[] {first, second}), UNINTERRUPTIBLE, 0);
    }

    /**
     * Acquires every lock in {@code locks}, without deadlock; waits uninterruptibly.
     *
     * @param locks the locks, in any order, duplicates allowed; none is acquired for an empty set
     * @return the held set; close it to release them all
     * @throws NullPointerException if {@code locks} or any of its elements is null
     * @throws LockOrderException as for {@link #lockAll(RankedLock, RankedLock)}
     */
    public static HeldLocks lockAll(RankedLock... locks) {
        return lockAll(DEFAULT_STRATEGY, copy(locks));
    }

    /**
     * Acquires every lock in {@code locks}, without deadlock; waits uninterruptibly.
     *
     * @param locks the locks, in any order, duplicates allowed
     * @return the held set; close it to release them all
     * @throws NullPointerException if {@code locks} or any of its elements is null
     * @throws LockOrderException as for {@link #lockAll(RankedLock, RankedLock)}
     */
    public static HeldLocks lockAll(Collection<? extends RankedLock> locks) {
        return lockAll(DEFAULT_STRATEGY, copy(locks));
    }

    /**
     * Acquires every lock in {@code locks} with the given strategy, without deadlock; waits
     * uninterruptibly.
     *
     * @param strategy how to acquire the set
     * @param locks the locks, in any order, duplicates allowed
     * @return the held set; close it to release them all
     * @throws NullPointerException if an argument or any lock is null
     * @throws LockOrderException as for {@link #lockAll(RankedLock, RankedLock)}
     */
    public static HeldLocks lockAll(Strategy strategy, Collection<? extends RankedLock> locks) {
        return lockAll(strategy, copy(locks));
    }

    private static HeldLocks lockAll(Strategy strategy, RankedLock[] locks) {
        Objects.requireNonNull(strategy, "strategy");
        return acquireUnchecked(strategy, normalize(locks), UNINTERRUPTIBLE, 0);
    }

    private static HeldLocks acquireUnchecked(Strategy strategy, RankedLock[] set, int mode, long deadline) {
        try {
            HeldLocks held = acquire(strategy, set, mode, deadline);
            assert held != null;
            return held;
        } catch (InterruptedException e) {
            throw new AssertionError("uninterruptible acquisition was interrupted", e);
        }
    }

    // ------------------------------------------------------------------ interruptible

    /**
     * Acquires every lock in {@code locks}, without deadlock, unless the calling thread is
     * interrupted. As with {@link java.util.concurrent.locks.Lock#lockInterruptibly()}, an
     * interrupt pending on entry throws at once.
     *
     * @param locks the locks, in any order, duplicates allowed
     * @return the held set; close it to release them all
     * @throws InterruptedException if the thread is interrupted on entry or while waiting; no
     *     lock of the set is then held
     * @throws NullPointerException if {@code locks} or any of its elements is null
     * @throws LockOrderException as for {@link #lockAll(RankedLock, RankedLock)}
     */
    public static HeldLocks lockAllInterruptibly(RankedLock... locks) throws InterruptedException {
        return lockAllInterruptibly(DEFAULT_STRATEGY, copy(locks));
    }

    /**
     * Acquires every lock in {@code locks}, without deadlock, unless the calling thread is
     * interrupted.
     *
     * @param locks the locks, in any order, duplicates allowed
     * @return the held set; close it to release them all
     * @throws InterruptedException if the thread is interrupted on entry or while waiting; no
     *     lock of the set is then held
     * @throws NullPointerException if {@code locks} or any of its elements is null
     * @throws LockOrderException as for {@link #lockAll(RankedLock, RankedLock)}
     */
    public static HeldLocks lockAllInterruptibly(Collection<? extends RankedLock> locks) throws InterruptedException {
        return lockAllInterruptibly(DEFAULT_STRATEGY, copy(locks));
    }

    /**
     * Acquires every lock in {@code locks} with the given strategy, without deadlock, unless the
     * calling thread is interrupted.
     *
     * @param strategy how to acquire the set
     * @param locks the locks, in any order, duplicates allowed
     * @return the held set; close it to release them all
     * @throws InterruptedException if the thread is interrupted on entry or while waiting; no
     *     lock of the set is then held
     * @throws NullPointerException if an argument or any lock is null
     * @throws LockOrderException as for {@link #lockAll(RankedLock, RankedLock)}
     */
    public static HeldLocks lockAllInterruptibly(Strategy strategy, Collection<? extends RankedLock> locks)
            throws InterruptedException {
        return lockAllInterruptibly(strategy, copy(locks));
    }

    private static HeldLocks lockAllInterruptibly(Strategy strategy, RankedLock[] locks) throws InterruptedException {
        Objects.requireNonNull(strategy, "strategy");
        HeldLocks held = acquire(strategy, normalize(locks), INTERRUPTIBLE, 0);
        assert held != null;
        return held;
    }

    // ------------------------------------------------------------------ timed

    /**
     * Acquires every lock in {@code locks}, without deadlock, if they can all be held within the
     * timeout; a zero timeout takes them only if none has to be waited for.
     *
     * @param timeout how long to wait at most
     * @param locks the locks, in any order, duplicates allowed
     * @return the held set, or empty if the timeout elapsed first (then no lock of the set is
     *     held)
     * @throws InterruptedException if the thread is interrupted on entry or while waiting; no
     *     lock of the set is then held
     * @throws NullPointerException if an argument or any lock is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws LockOrderException as for {@link #lockAll(RankedLock, RankedLock)}
     */
    public static Optional<HeldLocks> tryLockAll(Duration timeout, RankedLock... locks) throws InterruptedException {
        return tryLockAll(DEFAULT_STRATEGY, timeout, copy(locks));
    }

    /**
     * Acquires every lock in {@code locks}, without deadlock, if they can all be held within the
     * timeout.
     *
     * @param timeout how long to wait at most
     * @param locks the locks, in any order, duplicates allowed
     * @return the held set, or empty if the timeout elapsed first (then no lock of the set is
     *     held)
     * @throws InterruptedException if the thread is interrupted on entry or while waiting; no
     *     lock of the set is then held
     * @throws NullPointerException if an argument or any lock is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws LockOrderException as for {@link #lockAll(RankedLock, RankedLock)}
     */
    public static Optional<HeldLocks> tryLockAll(Duration timeout, Collection<? extends RankedLock> locks)
            throws InterruptedException {
        return tryLockAll(DEFAULT_STRATEGY, timeout, copy(locks));
    }

    /**
     * Acquires every lock in {@code locks} with the given strategy, without deadlock, if they can
     * all be held within the timeout.
     *
     * @param strategy how to acquire the set
     * @param timeout how long to wait at most
     * @param locks the locks, in any order, duplicates allowed
     * @return the held set, or empty if the timeout elapsed first (then no lock of the set is
     *     held)
     * @throws InterruptedException if the thread is interrupted on entry or while waiting; no
     *     lock of the set is then held
     * @throws NullPointerException if an argument or any lock is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws LockOrderException as for {@link #lockAll(RankedLock, RankedLock)}
     */
    public static Optional<HeldLocks> tryLockAll(Strategy strategy, Duration timeout,
                                                 Collection<? extends RankedLock> locks) throws InterruptedException {
        return tryLockAll(strategy, timeout, copy(locks));
    }

    private static Optional<HeldLocks> tryLockAll(Strategy strategy, Duration timeout, RankedLock[] locks)
            throws InterruptedException {
        Objects.requireNonNull(strategy, "strategy");
        long nanos = Durations.toNanosSaturated(timeout);
        RankedLock[] set = normalize(locks);
        return Optional.ofNullable(acquire(strategy, set, TIMED, Durations.deadline(TimeSource.nanoTime(), nanos)));
    }

    // ------------------------------------------------------------------ arguments

    private static RankedLock[] copy(RankedLock[] locks) {
        return Objects.requireNonNull(locks, "locks").clone();
    }

    private static RankedLock[] copy(Collection<? extends RankedLock> locks) {
        return Objects.requireNonNull(locks, "locks").toArray(new RankedLock[0]);
    }

    /** Null-checks, sorts by rank and removes duplicates, in place in a private array. */
    private static RankedLock[] normalize(RankedLock[] locks) {
        for (int i = 0; i < locks.length; i++) {
            if (locks[i] == null) {
                throw new NullPointerException("locks[" + i + "]");
            }
        }
        if (locks.length <= INSERTION_SORT_MAX) {
            for (int i = 1; i < locks.length; i++) {
                RankedLock lock = locks[i];
                int j = i - 1;
                for (; j >= 0 && locks[j].ranking.rank > lock.ranking.rank; j--) {
                    locks[j + 1] = locks[j];
                }
                locks[j + 1] = lock;
            }
        } else {
            Arrays.sort(locks, BY_RANK);
        }
        int distinct = 0;
        for (RankedLock lock : locks) {
            if (distinct > 0 && locks[distinct - 1].ranking == lock.ranking) {
                if (lock instanceof OrderedReadWriteLock.WriteLock) {
                    locks[distinct - 1] = lock; // read and write view of one lock: the write view covers both
                }
                continue;
            }
            locks[distinct++] = lock;
        }
        return distinct == locks.length ? locks : Arrays.copyOf(locks, distinct);
    }

    // ------------------------------------------------------------------ acquisition

    private static @Nullable HeldLocks acquire(Strategy strategy, RankedLock[] set, int mode, long deadline)
            throws InterruptedException {
        if (mode != UNINTERRUPTIBLE && Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (set.length == 0) {
            return HeldLocks.NONE;
        }
        ThreadHolds holds = LockGraph.enabled ? LockGraph.beforeAcquireSet(set) : null;
        TelemetryListener listener = Telemetry.listener();
        long start = listener == null ? 0 : System.nanoTime();
        int result;
        try {
            result = strategy == Strategy.ORDERED ? ordered(set, mode, deadline) : backOff(set, mode, deadline);
        } catch (InterruptedException e) {
            if (listener != null) {
                abandoned(set, listener, Outcome.CANCELLED, start);
            }
            throw e;
        }
        if (result == TIMED_OUT) {
            if (listener != null) {
                abandoned(set, listener, Outcome.TIMEOUT, start);
            }
            return null;
        }
        if (listener != null) {
            reportAcquired(set, listener, start, result == CONTENDED);
        }
        if (Tracking.enabled()) {
            trackHolds(set);
        }
        if (holds != null) {
            LockGraph.acquiredSet(holds, set);
        }
        return set.length == 2 ? new HeldLocks(set[0], set[1]) : new HeldLocks(set);
    }

    /** Records a held set's outermost holds for structure snapshots; a failure releases the whole set. */
    private static void trackHolds(RankedLock[] set) {
        int k = 0;
        try {
            for (; k < set.length; k++) {
                if (set[k].getHoldCount() == 1) {
                    Tracking.held(set[k], set[k].ranking.label());
                }
            }
        } catch (Throwable failure) {
            for (int j = set.length - 1; j >= 0; j--) {
                if (j < k) {
                    Tracking.released(set[j]);
                }
                set[j].release();
            }
            throw failure;
        }
    }

    /**
     * Reports the outermost acquisitions of a set that is now held. A listener's error (the
     * dispatcher rethrows VirtualMachineErrors) releases the whole set before it propagates: the
     * caller gets no HeldLocks to close, so nothing may stay held.
     */
    private static void reportAcquired(RankedLock[] set, TelemetryListener listener, long start, boolean contended) {
        long now = System.nanoTime();
        try {
            for (RankedLock lock : set) {
                if (lock.getHoldCount() == 1) {
                    LockTelemetry events = lock.telemetry(listener);
                    if (events.timesHolds()) {
                        lock.markAcquired(now);
                    }
                    events.acquired(now - start, contended);
                }
            }
        } catch (Throwable failure) {
            for (int k = set.length - 1; k >= 0; k--) {
                if (set[k].getHoldCount() == 1) {
                    set[k].takeAcquired();
                }
                set[k].release();
            }
            throw failure;
        }
    }

    private static void abandoned(RankedLock[] set, TelemetryListener listener, Outcome outcome, long start) {
        long waited = System.nanoTime() - start;
        for (RankedLock lock : set) {
            if (!lock.isHeldByCurrentThread()) {
                lock.telemetry(listener).abandoned(outcome, waited);
            }
        }
    }

    /** Takes one lock, waiting as the mode says: FREE, CONTENDED or TIMED_OUT. */
    private static int take(RankedLock lock, int mode, long deadline) throws InterruptedException {
        if (lock.tryAcquire()) {
            return FREE;
        }
        switch (mode) {
            case UNINTERRUPTIBLE -> lock.waitUninterruptibly();
            case INTERRUPTIBLE -> lock.waitInterruptibly();
            default -> {
                long remaining = deadline - TimeSource.nanoTime();
                if (remaining <= 0 || !lock.waitNanos(remaining)) {
                    return TIMED_OUT;
                }
            }
        }
        return CONTENDED;
    }

    /** Releases set[from], set[from + 1], ... for count locks (cyclically), newest first. */
    private static void releaseTaken(RankedLock[] set, int from, int count) {
        for (int k = count - 1; k >= 0; k--) {
            set[(from + k) % set.length].release();
        }
    }

    private static int ordered(RankedLock[] set, int mode, long deadline) throws InterruptedException {
        boolean contended = false;
        int taken = 0;
        try {
            for (; taken < set.length; taken++) {
                int result = take(set[taken], mode, deadline);
                if (result == TIMED_OUT) {
                    releaseTaken(set, 0, taken);
                    return TIMED_OUT;
                }
                contended |= result == CONTENDED;
            }
        } catch (Throwable failure) { // interrupted, or an upgrade refused: give back what was taken
            releaseTaken(set, 0, taken);
            throw failure;
        }
        return contended ? CONTENDED : FREE;
    }

    private static int backOff(RankedLock[] set, int mode, long deadline) throws InterruptedException {
        int n = set.length;
        int first = 0;
        boolean contended = false;
        for (int round = 0; round < POLITE_ROUNDS; round++) {
            int result = take(set[first], mode, deadline); // holds nothing while it waits
            if (result == TIMED_OUT) {
                return TIMED_OUT;
            }
            contended |= result == CONTENDED;
            int taken = 1;
            int busy = -1;
            try {
                for (int i = first + 1; taken < n; taken++, i++) {
                    if (i == n) {
                        i = 0;
                    }
                    if (!set[i].tryAcquire()) {
                        busy = i;
                        break;
                    }
                }
            } catch (Throwable failure) {
                releaseTaken(set, first, taken);
                throw failure;
            }
            if (busy < 0) {
                return contended ? CONTENDED : FREE;
            }
            releaseTaken(set, first, taken);
            contended = true;
            first = busy;
            Thread.yield();
        }
        return ordered(set, mode, deadline) == TIMED_OUT ? TIMED_OUT : CONTENDED;
    }
}
