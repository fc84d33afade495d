package dev.fearless.lock;

import dev.fearless.internal.Names;
import dev.fearless.telemetry.Telemetry;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The identity a lock has for ordering: its global rank, its name, its lock class and, once the
 * lock-order checker has seen it, its node in the lock-order graph. One per {@link OrderedLock}
 * and one per {@link OrderedReadWriteLock} (shared by its read and write views, which are the
 * same lock as far as ordering is concerned).
 */
final class Ranking {

    /*
     * Ranks come from one global counter, so they are unique, stable for the lock's lifetime and
     * reflect creation order (never identityHashCode, which collides and says nothing). A long
     * cannot wrap in any realistic run. The node is created lazily by LockGraph under its lock, so
     * locks made while the checker is off cost nothing more than this object.
     */

    private static final AtomicLong RANKS = new AtomicLong();

    final long rank;
    final @Nullable String name;
    final @Nullable String lockClass;
    /** The {@code name} tag telemetry reports under. */
    final String telemetryName;
    /** The lock-order graph node: this lock's own, or its class's; set once by LockGraph. */
    volatile @Nullable LockNode node;

    Ranking(@Nullable String name, @Nullable String lockClass) {
        if (name != null) {
            Names.requireValid(name);
        }
        if (lockClass != null) {
            Names.requireValid(lockClass, "lockClass");
        }
        this.rank = RANKS.incrementAndGet();
        this.name = name;
        this.lockClass = lockClass;
        this.telemetryName = Telemetry.nameOrDefault(name);
    }

    /** How reports name this lock: {@code alice#12 (Account)}; built on demand, never on a hot path. */
    String label() {
        return instanceLabel() + (lockClass == null ? "" : " (" + lockClass + ")");
    }

    /** The node label: the lock class when there is one, else the lock itself without its class. */
    String nodeLabel() {
        return lockClass != null ? lockClass : instanceLabel();
    }

    private String instanceLabel() {
        return (name == null ? "lock" : name) + "#" + rank;
    }

    LockNode node() {
        LockNode n = node;
        return n != null ? n : LockGraph.nodeFor(this);
    }

    @Override
    public String toString() {
        return label();
    }
}
