package dev.fearless.lock;

import dev.fearless.internal.Threads;
import dev.fearless.telemetry.LockTelemetry;
import dev.fearless.telemetry.TelemetryListener;
import java.io.Serial;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;

/**
 * A reentrant read-write lock with a global rank, an optional name and an optional lock class:
 * it behaves as a non-fair {@link ReentrantReadWriteLock}, and its {@link #readLock()} and
 * {@link #writeLock()} views are {@link RankedLock}s that {@link Locks}, the
 * {@link LockOrderChecker} and the {@link DeadlockWatchdog} understand.
 *
 * <p>Both views share one rank and one place in the lock-order graph: for ordering they are the
 * same lock, and taking the read lock of A then the write lock of B orders A before B exactly as
 * two mutexes would (readers can deadlock too: a queued writer blocks new readers). A set passed to
 * {@link Locks} that holds both views of one lock takes the write view.
 *
 * <p>Upgrading is refused rather than left to hang: a thread that holds the read lock and waits
 * for the write lock of the same {@code OrderedReadWriteLock} (which a
 * {@code ReentrantReadWriteLock} never grants) gets an {@link IllegalMonitorStateException}.
 * Downgrading (taking the read lock while holding the write lock) works as in the JDK.
 *
 * <pre>{@code
 * final OrderedReadWriteLock rw = new OrderedReadWriteLock("catalog");
 *
 * Item find(String sku) {
 *     rw.readLock().lock();
 *     try {
 *         return catalog.get(sku);
 *     } finally {
 *         rw.readLock().unlock();
 *     }
 * }
 *
 * void add(String sku, Item item) {
 *     try (HeldLocks held = Locks.lockAll(rw.writeLock(), stock.lock)) { // with other ranked locks
 *         catalog.put(sku, item);
 *         stock.add(sku);
 *     }
 * }
 * }</pre>
 *
 * <p>The deadlock watchdog knows the writer that holds this lock but not its readers (the JDK lock
 * does not name them), so it finds wait-for cycles through a write-held lock only.
 *
 * <p>Memory consistency effects: as for {@link ReentrantReadWriteLock}: actions prior to releasing
 * the write lock happen-before a later acquisition of the read or write lock by another thread;
 * actions prior to releasing a read lock happen-before a later acquisition of the write lock.
 */
public final class OrderedReadWriteLock implements ReadWriteLock {

    /*
     * Implementation overview: a private ReentrantReadWriteLock subclass (for its protected
     * getOwner) and two views sharing one Ranking. The write view keeps its acquisition time in a
     * field, written and read by the writer only. Readers share the lock, so the read view keeps
     * each reader's acquisition time in a thread-local list, and only when a telemetry listener
     * is present.
     */

    private final Ranking ranking;
    private final ReadLock readLock;
    private final WriteLock writeLock;

    /** Creates an unnamed read-write lock without a lock class. */
    public OrderedReadWriteLock() {
        this(null, null);
    }

    /**
     * Creates a named read-write lock without a lock class.
     *
     * @param name the name used in telemetry and reports, or {@code null}
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public OrderedReadWriteLock(@Nullable String name) {
        this(name, null);
    }

    /**
     * Creates a named read-write lock of a lock class.
     *
     * @param name the name used in telemetry and reports, or {@code null}
     * @param lockClass the role this lock plays, shared by every lock of that role, or
     *     {@code null}
     * @throws IllegalArgumentException if {@code name} or {@code lockClass} is blank
     */
    public OrderedReadWriteLock(@Nullable String name, @Nullable String lockClass) {
        this.ranking = new Ranking(name, lockClass);
        Sync sync = new Sync();
        this.readLock = new ReadLock(ranking, sync);
        this.writeLock = new WriteLock(ranking, sync);
    }

    /**
     * Returns the read lock: shared among readers, excluded by the writer.
     *
     * @return the read view
     */
    @Override
    public ReadLock readLock() {
        return readLock;
    }

    /**
     * Returns the write lock: exclusive, reentrant, with conditions.
     *
     * @return the write view
     */
    @Override
    public WriteLock writeLock() {
        return writeLock;
    }

    /**
     * Returns the rank both views share.
     *
     * @return the rank
     */
    public long rank() {
        return ranking.rank;
    }

    /**
     * Returns the name given at construction, or
     * {@link dev.fearless.telemetry.Telemetry#DEFAULT_NAME} for an unnamed lock: the name
     * telemetry reports it under.
     *
     * @return the name, never null
     */
    public String name() {
        return ranking.telemetryName;
    }

    /**
     * Returns the lock class given at construction.
     *
     * @return the lock class, or {@code null}
     */
    public @Nullable String lockClass() {
        return ranking.lockClass;
    }

    /**
     * Returns whether some thread holds the write lock; for monitoring.
     *
     * @return {@code true} if write-locked
     */
    public boolean isWriteLocked() {
        return writeLock.sync.isWriteLocked();
    }

    /**
     * Returns how many read holds all threads have together; for monitoring.
     *
     * @return the number of read holds
     */
    public int getReadLockCount() {
        return writeLock.sync.getReadLockCount();
    }

    /**
     * Returns the lock's label and state, such as
     * {@code OrderedReadWriteLock[catalog#4, write-locked by "importer"]}.
     *
     * @return a description for logs
     */
    @Override
    public String toString() {
        Thread writer = writeLock.sync.owner();
        int readers = writeLock.sync.getReadLockCount();
        return "OrderedReadWriteLock[" + ranking.label()
                + (writer != null ? ", write-locked by " + Threads.describe(writer) : "")
                + (readers > 0 ? ", read holds " + readers : "")
                + (writer == null && readers == 0 ? ", unlocked" : "") + "]";
    }

    /**
     * The read view of an {@link OrderedReadWriteLock}: shared, reentrant, without conditions.
     *
     * <pre>{@code
     * rw.readLock().lock();
     * try { return map.get(key); } finally { rw.readLock().unlock(); }
     * }</pre>
     *
     * <p>Memory consistency effects: see {@link OrderedReadWriteLock}.
     */
    public static final class ReadLock extends RankedLock {

        private static final ThreadLocal<ReadTimes> READ_TIMES = ThreadLocal.withInitial(ReadTimes::new);

        private final Sync sync;

        ReadLock(Ranking ranking, Sync sync) {
            super(ranking);
            this.sync = sync;
        }

        /**
         * Throws: read locks have no conditions, as in {@link ReentrantReadWriteLock.ReadLock}.
         *
         * @return never returns
         * @throws UnsupportedOperationException always
         */
        @Override
        public Condition newCondition() {
            throw new UnsupportedOperationException("read locks have no conditions; use the write lock's");
        }

        @Override
        public boolean isHeldByCurrentThread() {
            return sync.getReadHoldCount() > 0;
        }

        @Override
        public int getHoldCount() {
            return sync.getReadHoldCount();
        }

        @Override
        boolean tryAcquire() {
            return sync.readLock().tryLock();
        }

        @Override
        void acquire() {
            sync.readLock().lock();
        }

        @Override
        void acquireInterruptibly() throws InterruptedException {
            sync.readLock().lockInterruptibly();
        }

        @Override
        boolean tryAcquireNanos(long nanos) throws InterruptedException {
            return sync.readLock().tryLock(nanos, TimeUnit.NANOSECONDS);
        }

        @Override
        void release() {
            sync.readLock().unlock();
        }

        @Override
        @Nullable Thread owner() {
            return sync.owner(); // a reader waits for the writer
        }

        @Override
        boolean isQueued(Thread thread) {
            return sync.hasQueuedThread(thread);
        }

        @Override
        LockTelemetry telemetry(TelemetryListener listener) {
            return ranking.sharedTelemetry(listener); // read holds overlap: not the write view's binding
        }

        @Override
        void markAcquired(long nanoTime) {
            READ_TIMES.get().put(this, nanoTime);
        }

        @Override
        long takeAcquired() {
            return READ_TIMES.get().take(this);
        }

        /**
         * Returns the lock's label and the number of read holds.
         *
         * @return a description for logs
         */
        @Override
        public String toString() {
            return "ReadLock[" + ranking.label() + ", read holds " + sync.getReadLockCount() + "]";
        }
    }

    /**
     * The write view of an {@link OrderedReadWriteLock}: exclusive, reentrant, with conditions.
     *
     * <pre>{@code
     * rw.writeLock().lock();
     * try { map.put(key, value); } finally { rw.writeLock().unlock(); }
     * }</pre>
     *
     * <p>Memory consistency effects: see {@link OrderedReadWriteLock}.
     */
    public static final class WriteLock extends RankedLock {

        private final Sync sync;

        WriteLock(Ranking ranking, Sync sync) {
            super(ranking);
            this.sync = sync;
        }

        /**
         * Returns a new condition of the write lock, with the semantics of
         * {@link ReentrantReadWriteLock.WriteLock#newCondition()}.
         *
         * @return a new condition
         */
        @Override
        public Condition newCondition() {
            return new TrackedCondition(this, sync.writeLock().newCondition());
        }

        @Override
        public boolean isHeldByCurrentThread() {
            return sync.isWriteLockedByCurrentThread();
        }

        @Override
        public int getHoldCount() {
            return sync.getWriteHoldCount();
        }

        @Override
        boolean tryAcquire() {
            return sync.writeLock().tryLock();
        }

        @Override
        void acquire() {
            refuseUpgrade();
            sync.writeLock().lock();
        }

        @Override
        void acquireInterruptibly() throws InterruptedException {
            refuseUpgrade();
            sync.writeLock().lockInterruptibly();
        }

        @Override
        boolean tryAcquireNanos(long nanos) throws InterruptedException {
            refuseUpgrade();
            return sync.writeLock().tryLock(nanos, TimeUnit.NANOSECONDS);
        }

        /** Runs on the contended path only: waiting for the write lock while holding a read lock never ends. */
        private void refuseUpgrade() {
            if (sync.getReadHoldCount() > 0) {
                throw new IllegalMonitorStateException(Threads.current()
                        + " holds the read lock of " + ranking.label() + " and waits for its write lock, which would"
                        + " never be granted: release the read lock first (read-write locks cannot be upgraded)");
            }
        }

        @Override
        void release() {
            sync.writeLock().unlock();
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
         * Returns the lock's label and its writer.
         *
         * @return a description for logs
         */
        @Override
        public String toString() {
            Thread writer = sync.owner();
            return "WriteLock[" + ranking.label() + (writer == null ? ", unlocked]" : ", locked by " + Threads.describe(writer) + "]");
        }
    }

    /** A ReentrantReadWriteLock that exposes its writer to this package. */
    static final class Sync extends ReentrantReadWriteLock {
        @Serial
        private static final long serialVersionUID = 1L;

        @Nullable Thread owner() {
            return getOwner();
        }
    }

    /** One reader thread's acquisition times, per read view it holds; a thread holds few. */
    private static final class ReadTimes {
        private ReadLock[] locks = new ReadLock[2];
        private long[] times = new long[2];
        private int size;

        void put(ReadLock lock, long time) {
            for (int i = 0; i < size; i++) {
                if (locks[i] == lock) {
                    times[i] = time;
                    return;
                }
            }
            if (size == locks.length) {
                locks = Arrays.copyOf(locks, size * 2);
                times = Arrays.copyOf(times, size * 2);
            }
            locks[size] = lock;
            times[size++] = time;
        }

        long take(ReadLock lock) {
            for (int i = 0; i < size; i++) {
                if (locks[i] == lock) {
                    long time = times[i];
                    size--;
                    locks[i] = locks[size];
                    times[i] = times[size];
                    locks[size] = null;
                    return time;
                }
            }
            return RankedLock.NOT_TIMED;
        }
    }
}
