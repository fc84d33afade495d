package dev.fearless.lock;

import dev.fearless.internal.Threads;
import java.io.Serial;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A reentrant mutual-exclusion lock with a global rank, an optional name and an optional lock
 * class. It behaves as a non-fair {@link ReentrantLock}, and the multi-lock, the lock-order
 * checker and the deadlock watchdog understand it.
 *
 * <ul>
 *   <li>Take several at once, deadlock-free, with {@link Locks#lockAll(RankedLock...)}.</li>
 *   <li>Turn on the {@link LockOrderChecker} (in tests, or in production in
 *       {@link LockOrderChecker.Mode#WARN WARN} mode) to be told about an acquisition order that
 *       could deadlock, even if it never did.</li>
 *   <li>Start a {@link DeadlockWatchdog} to have real deadlocks reported: {@code ThreadMXBean}
 *       cannot see those that involve virtual threads.</li>
 * </ul>
 *
 * <p>The rank is unique and stable: it is assigned from a global counter at construction, so it
 * reflects creation order. The lock class is a role such as {@code "Account"}: the checker records
 * orderings between classes rather than instances, so taking account A then account B in one
 * place and account C then account A elsewhere is reported (as lockdep does for Linux lock
 * classes), and so is holding one account while taking another outside {@link Locks}. The name is
 * the {@code name} tag of the lock's telemetry events ({@link
 * dev.fearless.telemetry.Telemetry#DEFAULT_NAME} when unnamed) and appears in reports as
 * {@code name#rank}.
 *
 * <pre>{@code
 * final class Account {
 *     final OrderedLock lock = new OrderedLock("account-" + id, "Account");
 *     long balance;
 * }
 *
 * void transfer(Account from, Account to, long amount) {
 *     try (HeldLocks held = Locks.lockAll(from.lock, to.lock)) { // any order, never deadlocks
 *         from.balance -= amount;
 *         to.balance += amount;
 *     }
 * }
 * }</pre>
 *
 * <p>Conditions from {@link #newCondition()} behave as {@code ReentrantLock}'s; while a thread
 * waits in one, telemetry sees the lock released (and re-acquired, with zero wait, when the wait
 * ends) and the deadlock watchdog sees the thread waiting for the lock once it is signalled.
 *
 * <p>Memory consistency effects: actions in a thread prior to releasing the lock happen-before
 * actions subsequent to a successful acquisition of it by another thread, as for
 * {@link ReentrantLock}.
 */
public final class OrderedLock extends RankedLock {

    /*
     * Implementation overview: a wrapper around a private ReentrantLock subclass (for its
     * protected getOwner). Wrapping rather than extending keeps the public surface to what this
     * package supports and lets OrderedReadWriteLock's views share the RankedLock base. The only
     * state beyond the JDK lock is RankedLock's acquisition time, which the owner alone touches.
     */

    private final Sync sync = new Sync();

    /** Creates an unnamed lock without a lock class. */
    public OrderedLock() {
        this(null, null);
    }

    /**
     * Creates a named lock without a lock class.
     *
     * @param name the name used in telemetry and reports, or {@code null}
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public OrderedLock(@Nullable String name) {
        this(name, null);
    }

    /**
     * Creates a named lock of a lock class.
     *
     * @param name the name used in telemetry and reports, or {@code null}
     * @param lockClass the role this lock plays, such as {@code "Account"}, shared by every lock
     *     of that role; or {@code null} to have the checker track this lock on its own
     * @throws IllegalArgumentException if {@code name} or {@code lockClass} is blank
     */
    public OrderedLock(@Nullable String name, @Nullable String lockClass) {
        super(new Ranking(name, lockClass));
    }

    /**
     * Returns a new condition bound to this lock, with the semantics of
     * {@link ReentrantLock#newCondition()}.
     *
     * @return a new condition
     */
    @Override
    public Condition newCondition() {
        return new TrackedCondition(this, sync.newCondition());
    }

    @Override
    public boolean isHeldByCurrentThread() {
        return sync.isHeldByCurrentThread();
    }

    @Override
    public int getHoldCount() {
        return sync.getHoldCount();
    }

    /**
     * Returns whether any thread holds this lock; for monitoring, not for synchronization.
     *
     * @return {@code true} if some thread holds the lock
     */
    public boolean isLocked() {
        return sync.isLocked();
    }

    /**
     * Returns an estimate of how many threads wait to acquire this lock; for monitoring.
     *
     * @return the estimated number of waiting threads
     */
    public int getQueueLength() {
        return sync.getQueueLength();
    }

    // ------------------------------------------------------------------ raw operations

    @Override
    boolean tryAcquire() {
        return sync.tryLock();
    }

    @Override
    void acquire() {
        sync.lock();
    }

    @Override
    void acquireInterruptibly() throws InterruptedException {
        sync.lockInterruptibly();
    }

    @Override
    boolean tryAcquireNanos(long nanos) throws InterruptedException {
        return sync.tryLock(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    void release() {
        sync.unlock();
    }

    @Override
    @Nullable Thread owner() {
        return sync.owner();
    }

    @Override
    boolean isQueued(Thread thread) {
        return sync.hasQueuedThread(thread);
    }

    /**
     * Returns the lock's label ({@code name#rank}, and its class) and state, such as
     * {@code OrderedLock[alice#3 (Account), locked by "worker-1"]}.
     *
     * @return a description for logs
     */
    @Override
    public String toString() {
        Thread owner = sync.owner();
        return "OrderedLock[" + ranking.label() + (owner == null ? ", unlocked]" : ", locked by " + Threads.describe(owner) + "]");
    }

    /** A ReentrantLock that exposes its owner to this package. */
    private static final class Sync extends ReentrantLock {
        @Serial
        private static final long serialVersionUID = 1L;

        @Nullable Thread owner() {
            return getOwner();
        }
    }
}
