package dev.fearless.lock;

import dev.fearless.internal.Bound;
import dev.fearless.internal.Names;
import dev.fearless.telemetry.LockTelemetry;
import dev.fearless.telemetry.Telemetry;
import dev.fearless.telemetry.TelemetryListener;
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
    /** The telemetry binding of this lock's exclusive view; a racy cache (see Bound). */
    private @Nullable Bound<LockTelemetry> bound;
    /** The telemetry binding of a read-write lock's read view, whose holders overlap. */
    private @Nullable Bound<LockTelemetry> sharedBound;

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

    /**
     * Returns the exclusive view's events as bound by {@code listener}, binding at the first event
     * after the listener set changed: one plain read and an identity check per event, no lookup by
     * name.
     */
    LockTelemetry telemetry(TelemetryListener listener) {
        Bound<LockTelemetry> b = bound;
        if (b != null && b.listener == listener) {
            return b.handle;
        }
        LockTelemetry handle = listener.bindLock(telemetryName, lockClass, false);
        bound = new Bound<>(listener, handle);
        return handle;
    }

    /** As {@link #telemetry}, for the read view of a read-write lock. */
    LockTelemetry sharedTelemetry(TelemetryListener listener) {
        Bound<LockTelemetry> b = sharedBound;
        if (b != null && b.listener == listener) {
            return b.handle;
        }
        LockTelemetry handle = listener.bindLock(telemetryName, lockClass, true);
        sharedBound = new Bound<>(listener, handle);
        return handle;
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
