package dev.fearless.lock;

import dev.fearless.internal.Durations;
import dev.fearless.internal.SchedulingPoints;
import dev.fearless.internal.TimeSource;
import dev.fearless.telemetry.LockTelemetry;
import dev.fearless.telemetry.Outcome;
import dev.fearless.telemetry.Telemetry;
import dev.fearless.telemetry.TelemetryListener;
import dev.fearless.tracking.Tracking;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import org.jspecify.annotations.Nullable;

/**
 * A lock with a global rank that {@link Locks} (the multi-lock), the {@link LockOrderChecker}
 * and the {@link DeadlockWatchdog} understand: an {@link OrderedLock}, or the read or write view
 * of an {@link OrderedReadWriteLock}. Every such lock gets a unique rank when it is created, from
 * one global counter; {@link Locks} takes any set of them in rank order or with polite back-off,
 * so sets never deadlock with each other.
 *
 * <p>Beyond {@link Lock}, every outermost acquisition is reported to the telemetry listeners,
 * through the handle each listener bound for this lock ({@link TelemetryListener#bindLock}):
 * acquired, released with the hold time (only to listeners that time holds), abandoned when a
 * timed or interruptible attempt gives up; while the checker is on, holds are also recorded in
 * the lock-order graph. The clock is read for a real wait, and for holds only when a listener
 * times them. A listener that
 * throws an error from {@code lockAcquired} (the dispatcher rethrows {@link VirtualMachineError}s)
 * makes the acquiring call throw it with the lock not held. With no listener, the checker off
 * and structure tracking off, a lock or unlock costs three flag reads more than the underlying
 * {@code java.util.concurrent.locks} lock. While structure tracking is on, the outermost hold is
 * recorded for {@link dev.fearless.structure.Structure} snapshots.
 *
 * <pre>{@code
 * RankedLock lock = new OrderedLock("inventory");
 * lock.lock();
 * try {
 *     // ...
 * } finally {
 *     lock.unlock();
 * }
 * }</pre>
 *
 * <p>Memory consistency effects: as for the {@code java.util.concurrent.locks} lock underneath:
 * actions in a thread prior to releasing a lock happen-before actions subsequent to a successful
 * acquisition of the same lock (or, for read views, of its write view) by another thread.
 */
public abstract sealed class RankedLock implements Lock
        permits OrderedLock, OrderedReadWriteLock.ReadLock, OrderedReadWriteLock.WriteLock {

    /*
     * Implementation overview. Subclasses wrap a ReentrantLock or ReentrantReadWriteLock and
     * expose "raw" operations (tryAcquire, acquire, release, ...) that do exactly what the JDK
     * lock does. The public Lock methods here add four optional layers, each behind one
     * volatile read:
     *
     *  1. LockGraph.enabled: the lock-order checker. Checks run BEFORE acquiring (so THROW mode
     *     never leaves anything half-held) and the lock is pushed on the thread's ThreadHolds
     *     after acquiring; unlock pops it. Untimed tryLock() records no edge (it cannot wait, so it
     *     cannot be part of a deadlock) but the lock it takes counts as held afterwards, as in
     *     lockdep.
     *  2. Telemetry.listener(): events go to the lock's binding (Ranking.telemetry: the handle
     *     the listener returned for this lock, cached until the listener set changes). The clock
     *     is read only for a real wait, and for holds only when the binding times them. The
     *     acquisition time is a plain field written and read by the owner (per thread for read
     *     views, which override markAcquired/takeAcquired) and is consumed by the outermost
     *     release; NOT_TIMED there means "no release event".
     *     A listener registered while a lock is held may miss that hold's release event, and one
     *     registered, removed and registered again between an acquisition and its release may see
     *     a stale hold time; registrations happen at start-up, so this is accepted.
     *  3. WAITING: the wait-for information the DeadlockWatchdog needs. Only the contended path
     *     (the barging tryAcquire failed) registers "this thread waits for this lock" in a
     *     concurrent map and removes it when the wait ends, so uncontended acquisitions never
     *     touch it. Owners and queue membership are read from the JDK lock itself.
     *  4. Tracking.enabled(): structure tracking. The outermost hold is recorded after acquiring
     *     (trackHold, which releases again if recording throws) and forgotten after the outermost
     *     release; unlock() takes the observed path while it is on.
     */

    /** Sentinel for "no acquisition time recorded" (no listener at acquisition). */
    static final long NOT_TIMED = Long.MIN_VALUE;

    /** Threads blocked in an acquisition (or a condition wait) of one of these locks. */
    static final ConcurrentHashMap<Thread, RankedLock> WAITING = new ConcurrentHashMap<>();

    static {                                     // structure snapshots read lock waits from WAITING
        Tracking.lockWaits(thread -> {
            RankedLock lock = WAITING.get(thread);
            return lock == null ? null
                    : new Tracking.Wait(Tracking.Kind.LOCK, lock.ranking.label(), null, lock::owner, null, 0L);
        });
    }

    final Ranking ranking;
    /** The outermost acquisition time of an exclusive lock; written and read by its owner only. */
    private long acquiredAt = NOT_TIMED;

    RankedLock(Ranking ranking) {
        this.ranking = ranking;
    }

    /**
     * Returns this lock's rank: unique, assigned from a global counter when the lock was created,
     * and the order in which {@link Locks.Strategy#ORDERED} acquires a set. Both views of an
     * {@link OrderedReadWriteLock} share one rank.
     *
     * @return the rank, at least 1
     */
    public final long rank() {
        return ranking.rank;
    }

    /**
     * Returns the name given at construction, or {@link Telemetry#DEFAULT_NAME} for an unnamed
     * lock: the name telemetry reports it under.
     *
     * @return the name, never null
     */
    public final String name() {
        return ranking.telemetryName;
    }

    /**
     * Returns the lock class (a role such as {@code "Account"}) given at construction. The
     * lock-order checker records orderings between lock classes rather than between instances
     * when a lock has one, so an inversion between two different accounts is caught even if no
     * single pair of accounts was ever taken in both orders.
     *
     * @return the lock class, or {@code null} when none was given
     */
    public final @Nullable String lockClass() {
        return ranking.lockClass;
    }

    /**
     * Returns whether the calling thread holds this lock (for a read view: holds a read lock).
     *
     * @return {@code true} if the calling thread holds this lock
     */
    public abstract boolean isHeldByCurrentThread();

    /**
     * Returns how many holds the calling thread has on this lock.
     *
     * @return the number of holds, {@code 0} when not held by the calling thread
     */
    public abstract int getHoldCount();

    // ------------------------------------------------------------------ raw operations (subclasses)

    /** Acquires without waiting (barging), exactly as the JDK lock's tryLock(). */
    abstract boolean tryAcquire();

    /** Acquires, waiting uninterruptibly. Called only after tryAcquire failed. */
    abstract void acquire();

    /** Acquires, waiting interruptibly. Called only after tryAcquire failed. */
    abstract void acquireInterruptibly() throws InterruptedException;

    /** Acquires within nanos (positive). Called only after tryAcquire failed. */
    abstract boolean tryAcquireNanos(long nanos) throws InterruptedException;

    /** Releases one hold, exactly as the JDK lock's unlock(). */
    abstract void release();

    /** The thread holding this lock exclusively (for a read view: the writer), or null. */
    abstract @Nullable Thread owner();

    /** Whether {@code thread} is queued to acquire the underlying lock (in any mode). */
    abstract boolean isQueued(Thread thread);

    /**
     * Records the calling thread's outermost acquisition time; called with a listener present.
     * Exclusive locks keep it in a field that only the owner touches (the lock orders those
     * accesses); read views, held by many threads at once, override this.
     */
    void markAcquired(long nanoTime) {
        acquiredAt = nanoTime;
    }

    /** Returns and clears the calling thread's acquisition time, or {@link #NOT_TIMED}. */
    long takeAcquired() {
        long at = acquiredAt;
        acquiredAt = NOT_TIMED;
        return at;
    }

    // ------------------------------------------------------------------ Lock

    /**
     * Acquires the lock, waiting uninterruptibly if another thread holds it; reentrant.
     *
     * @throws LockOrderException if the lock-order checker is in {@link LockOrderChecker.Mode#THROW
     *     THROW} mode and taking this lock while holding the calling thread's other locks could
     *     deadlock; thrown before anything is acquired
     */
    @Override
    public final void lock() {
        SchedulingPoints.before("Lock", ranking.telemetryName, "lock");
        ThreadHolds holds = LockGraph.enabled ? LockGraph.beforeAcquire(this, true) : null;
        TelemetryListener listener = Telemetry.listener();
        if (listener != null) {
            if (tryAcquire()) {
                acquiredWithoutWaiting(listener);
            } else {
                long start = System.nanoTime();
                waitUninterruptibly();
                acquiredAfterWaiting(listener, start);
            }
        } else if (!tryAcquire()) {
            waitUninterruptibly();
        }
        if (Tracking.enabled()) {
            trackHold();
        }
        if (holds != null) {
            LockGraph.acquired(holds, this);
        }
    }

    /**
     * Acquires the lock unless the calling thread is interrupted; reentrant. As in
     * {@code ReentrantLock}, an interrupt pending on entry throws even if the lock is free.
     *
     * @throws InterruptedException if the calling thread is interrupted on entry or while waiting;
     *     the lock is then not acquired
     * @throws LockOrderException as for {@link #lock()}
     */
    @Override
    public final void lockInterruptibly() throws InterruptedException {
        SchedulingPoints.before("Lock", ranking.telemetryName, "lock");
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        ThreadHolds holds = LockGraph.enabled ? LockGraph.beforeAcquire(this, true) : null;
        TelemetryListener listener = Telemetry.listener();
        if (tryAcquire()) {
            if (listener != null) {
                acquiredWithoutWaiting(listener);
            }
        } else if (listener == null) {
            waitInterruptibly();
        } else {
            long start = System.nanoTime();
            try {
                waitInterruptibly();
            } catch (InterruptedException e) {
                telemetry(listener).abandoned(Outcome.CANCELLED, System.nanoTime() - start);
                throw e;
            }
            acquiredAfterWaiting(listener, start);
        }
        if (Tracking.enabled()) {
            trackHold();
        }
        if (holds != null) {
            LockGraph.acquired(holds, this);
        }
    }

    /**
     * Acquires the lock only if no other thread holds it at the time of the call (barging, as
     * {@code ReentrantLock.tryLock()} does). It never waits, so the lock-order checker records no
     * ordering for it, but the lock counts as held for later acquisitions.
     *
     * @return {@code true} if the lock was acquired (or was already held by this thread)
     */
    @Override
    public final boolean tryLock() {
        SchedulingPoints.before("Lock", ranking.telemetryName, "tryLock");
        ThreadHolds holds = LockGraph.enabled ? LockGraph.beforeAcquire(this, false) : null;
        if (!tryAcquire()) {
            return false;
        }
        TelemetryListener listener = Telemetry.listener();
        if (listener != null) {
            acquiredWithoutWaiting(listener);
        }
        if (Tracking.enabled()) {
            trackHold();
        }
        if (holds != null) {
            LockGraph.acquired(holds, this);
        }
        return true;
    }

    /**
     * Acquires the lock if it becomes free within the given waiting time and the calling thread
     * is not interrupted. A non-positive time does not wait (and records no ordering).
     *
     * @param time the maximum time to wait
     * @param unit the unit of {@code time}
     * @return {@code true} if the lock was acquired, {@code false} if the time elapsed first
     * @throws InterruptedException if the calling thread is interrupted on entry or while waiting
     * @throws NullPointerException if {@code unit} is null
     * @throws LockOrderException as for {@link #lock()}
     */
    @Override
    public final boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        SchedulingPoints.before("Lock", ranking.telemetryName, "tryLock");
        Objects.requireNonNull(unit, "unit");
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        long nanos = Math.min(unit.toNanos(time), Durations.MAX_NANOS); // the Lock contract: <= 0 does not wait
        ThreadHolds holds = LockGraph.enabled ? LockGraph.beforeAcquire(this, nanos > 0) : null;
        TelemetryListener listener = Telemetry.listener();
        if (tryAcquire()) {
            if (listener != null) {
                acquiredWithoutWaiting(listener);
            }
        } else {
            long start = listener == null ? 0 : System.nanoTime();
            boolean acquired;
            try {
                acquired = nanos > 0 && waitNanos(nanos);
            } catch (InterruptedException e) {
                if (listener != null) {
                    telemetry(listener).abandoned(Outcome.CANCELLED, System.nanoTime() - start);
                }
                throw e;
            }
            if (!acquired) {
                if (listener != null) {
                    telemetry(listener).abandoned(Outcome.TIMEOUT, System.nanoTime() - start);
                }
                return false;
            }
            if (listener != null) {
                acquiredAfterWaiting(listener, start);
            }
        }
        if (Tracking.enabled()) {
            trackHold();
        }
        if (holds != null) {
            LockGraph.acquired(holds, this);
        }
        return true;
    }

    /**
     * Releases one hold of the lock; the outermost release makes it free and is reported to
     * telemetry with the time it was held.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold this lock
     */
    @Override
    public final void unlock() {
        SchedulingPoints.before("Lock", ranking.telemetryName, "unlock");
        if (LockGraph.enabled || Telemetry.listener() != null || Tracking.enabled()) {
            unlockObserved();
        } else {
            release();
        }
    }

    private void unlockObserved() {
        if (getHoldCount() != 1) {
            release(); // an inner hold, or not held: the JDK lock throws IllegalMonitorStateException
            return;
        }
        long acquiredAt = takeAcquired(); // read before release: afterwards another owner writes it
        release();
        if (Tracking.enabled()) {
            Tracking.released(this);
        }
        if (LockGraph.enabled) {
            LockGraph.released(this);
        }
        TelemetryListener listener = Telemetry.listener();
        if (listener != null && acquiredAt != NOT_TIMED) {
            telemetry(listener).released(System.nanoTime() - acquiredAt);
        }
    }

    // ------------------------------------------------------------------ shared with Locks and conditions

    /** This view's telemetry binding; the read view of a read-write lock has its own, shared one. */
    LockTelemetry telemetry(TelemetryListener listener) {
        return ranking.telemetry(listener);
    }

    /**
     * Records the calling thread's outermost hold for structure snapshots. If recording throws
     * (an OutOfMemoryError), the hold just taken is released first: the failed call holds nothing.
     */
    final void trackHold() {
        if (getHoldCount() == 1) {
            try {
                Tracking.held(this, ranking.label());
            } catch (Throwable failure) {
                release();
                throw failure;
            }
        }
    }

    /** Reports an acquisition that did not wait, if it is the outermost hold: no clock read unless holds are timed. */
    final void acquiredWithoutWaiting(TelemetryListener listener) {
        if (getHoldCount() == 1) {
            reportAcquired(listener, 0L, false, NOT_TIMED);
        }
    }

    /** Reports an acquisition that waited since {@code start} (a contended one is always outermost). */
    final void acquiredAfterWaiting(TelemetryListener listener, long start) {
        long now = System.nanoTime();
        reportAcquired(listener, now - start, true, now);
    }

    /**
     * Reports the outermost hold just acquired, with {@code now} the clock reading if one was
     * taken ({@link #NOT_TIMED} if not; it is read here only when the binding times holds). The
     * caller of lock() gets no hold to release if this throws (a listener's VirtualMachineError,
     * which the dispatcher rethrows, from binding or from the event), so a throw undoes the
     * acquisition first: the lock never stays held by a call that failed. The lock-order checker
     * records the hold only after this returns.
     */
    private void reportAcquired(TelemetryListener listener, long waitNanos, boolean contended, long now) {
        try {
            LockTelemetry events = telemetry(listener);
            if (events.timesHolds()) {
                markAcquired(now != NOT_TIMED ? now : System.nanoTime());
            }
            events.acquired(waitNanos, contended);
        } catch (Throwable failure) {
            takeAcquired();
            release();
            throw failure;
        }
    }

    /** Waits for the lock uninterruptibly, visible to the deadlock watchdog meanwhile. */
    final void waitUninterruptibly() {
        Thread me = Thread.currentThread();
        WAITING.put(me, this);
        try {
            acquire();
        } finally {
            WAITING.remove(me);
        }
    }

    /** Waits for the lock interruptibly, visible to the deadlock watchdog meanwhile. */
    final void waitInterruptibly() throws InterruptedException {
        Thread me = Thread.currentThread();
        WAITING.put(me, this);
        try {
            acquireInterruptibly();
        } finally {
            WAITING.remove(me);
        }
    }

    /** Waits up to {@code nanos} (positive) for the lock, visible to the deadlock watchdog meanwhile. */
    final boolean waitNanos(long nanos) throws InterruptedException {
        Thread me = Thread.currentThread();
        WAITING.put(me, this);
        try {
            return TimeSource.replaced() ? pollNanos(nanos) : tryAcquireNanos(nanos);
        } finally {
            WAITING.remove(me);
        }
    }

    /**
     * The timed wait under a replaced clock (virtual time): the AQS queue parks with its own
     * clock, so poll instead, parking through the time source with a doubling interval (a
     * release does not wake a poller; a wait of minutes takes a few dozen polls).
     */
    private boolean pollNanos(long nanos) throws InterruptedException {
        long deadline = Durations.deadline(TimeSource.nanoTime(), nanos);
        long interval = POLL_FIRST_NANOS;
        for (;;) {
            if (tryAcquire()) {
                return true;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            long remaining = deadline - TimeSource.nanoTime();
            if (remaining <= 0) {
                return false;
            }
            TimeSource.parkNanos(this, Math.min(remaining, interval));
            interval = Math.min(interval << 1, Durations.MAX_NANOS);
        }
    }

    private static final long POLL_FIRST_NANOS = 1_000_000L;
}
