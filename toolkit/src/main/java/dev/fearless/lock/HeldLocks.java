package dev.fearless.lock;

import dev.fearless.internal.Threads;
import dev.fearless.telemetry.Telemetry;
import dev.fearless.tracking.Tracking;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A set of locks acquired together by {@link Locks}; {@link #close()} releases them all, in the
 * reverse of the order they were acquired. Use it in a try-with-resources statement on the thread
 * that acquired it.
 *
 * <pre>{@code
 * try (HeldLocks held = Locks.lockAll(from.lock, to.lock)) {
 *     from.balance -= amount;
 *     to.balance += amount;
 * }
 * }</pre>
 *
 * <p>Memory consistency effects: as for each lock of the set, actions prior to {@link #close()}
 * happen-before actions subsequent to a later acquisition of any of its locks by another thread.
 */
public final class HeldLocks implements AutoCloseable {

    /*
     * Implementation overview: the distinct locks in rank order, and a flag that makes close()
     * idempotent. A pair, the common case of Locks.lockAll(a, b), lives in two fields (low, high)
     * with locks null: no array, and close() is straight-line code, so that once lockAll and
     * close() are inlined into one method the JIT's escape analysis can drop the set entirely
     * (an array indexed in a loop usually stops it). Any other size keeps the array and low/high
     * null. Both are confined to the owning thread; a foreign thread calling close() reads
     * the flag racily, which is harmless: it either sees the set released and does nothing, or
     * finds it holds none of the locks and throws.
     */

    static final HeldLocks NONE = new HeldLocks(new RankedLock[0]);

    private final RankedLock @Nullable [] locks;
    private final @Nullable RankedLock low;
    private final @Nullable RankedLock high;
    private boolean released;

    HeldLocks(RankedLock[] locks) {
        this.locks = locks;
        this.low = null;
        this.high = null;
    }

    /** Two distinct locks, {@code low} acquired first. */
    HeldLocks(RankedLock low, RankedLock high) {
        this.locks = null;
        this.low = low;
        this.high = high;
    }

    /** The locks as an array, in acquisition order; allocates for a pair (slow paths only). */
    private RankedLock[] array() {
        RankedLock[] all = locks;
        return all != null ? all : new RankedLock[] {Objects.requireNonNull(low), Objects.requireNonNull(high)};
    }

    /**
     * Returns the distinct locks of the set in the order they were acquired (rank order): a
     * lock passed twice appears once, and a read view of an {@link OrderedReadWriteLock} passed
     * with its write view appears as the write view.
     *
     * @return an unmodifiable list
     */
    public List<RankedLock> locks() {
        return List.of(array());
    }

    /**
     * Releases every lock of the set, in reverse acquisition order. A second call does nothing.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold every lock of the
     *     set (it is not the thread that acquired it, or it released one of them on its own);
     *     the locks it does hold are released first, so nothing stays held
     */
    @Override
    public void close() {
        RankedLock[] held = locks;
        if (held == null) {
            closePair(Objects.requireNonNull(low), Objects.requireNonNull(high));
            return;
        }
        if (released || held.length == 0) {
            return;
        }
        for (RankedLock lock : held) {
            if (!lock.isHeldByCurrentThread()) {
                closeMisused();
                return;
            }
        }
        released = true;
        if (!LockGraph.enabled && Telemetry.listener() == null && !Tracking.enabled()) {
            for (int i = held.length - 1; i >= 0; i--) {
                held[i].release(); // what unlock() does when nothing observes it, flags read once
            }
        } else {
            for (int i = held.length - 1; i >= 0; i--) {
                held[i].unlock();
            }
        }
    }

    /** close() of a pair: the same steps as for an array, unrolled. */
    private void closePair(RankedLock first, RankedLock second) {
        if (released) {
            return;
        }
        if (!first.isHeldByCurrentThread() || !second.isHeldByCurrentThread()) {
            closeMisused();
            return;
        }
        released = true;
        if (!LockGraph.enabled && Telemetry.listener() == null && !Tracking.enabled()) {
            second.release(); // what unlock() does when nothing observes it, flags read once
            first.release();
        } else {
            second.unlock();
            first.unlock();
        }
    }

    /** close() when some lock of the set is not held by the caller: release what it holds, then throw. */
    private void closeMisused() {
        RankedLock[] locks = array();
        List<String> missing = new ArrayList<>();
        for (RankedLock lock : locks) {
            if (!lock.isHeldByCurrentThread()) {
                missing.add(lock.ranking.label());
            }
        }
        if (missing.size() == locks.length) {
            throw new IllegalMonitorStateException(notHeld(missing));
        }
        released = true;
        for (int i = locks.length - 1; i >= 0; i--) {
            if (locks[i].isHeldByCurrentThread()) {
                locks[i].unlock();
            }
        }
        throw new IllegalMonitorStateException(notHeld(missing));
    }

    private static String notHeld(List<String> missing) {
        return "HeldLocks.close() on " + Threads.current() + ", which does not hold "
                + String.join(", ", missing) + ": close a set once, on the thread that acquired it, and do not"
                + " unlock its locks one by one";
    }

    /**
     * Returns the labels of the locks of the set, such as {@code HeldLocks[alice#1, bob#2]}.
     *
     * @return a description for logs
     */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("HeldLocks[");
        RankedLock[] locks = array();
        for (int i = 0; i < locks.length; i++) {
            out.append(i == 0 ? "" : ", ").append(locks[i].ranking.label());
        }
        return out.append(released ? "; released]" : "]").toString();
    }
}
