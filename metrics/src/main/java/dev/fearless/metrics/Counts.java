package dev.fearless.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * The acquisition count of one lock name, kept where it is cheapest to write and read at scrape
 * time: a {@link LongAdder} for events whose calls may overlap (read views, events by name) and
 * one {@link Cell} per exclusive lock handle, written only by the lock's owner.
 */
final class Counts {

    /*
     * Implementation overview. A cell belongs to one handle, which one lock holds; the lock calls
     * it only while held, so increments of one cell never overlap and each happens-before the next
     * (the lock's release/acquire). The count is a plain long written with an opaque store (never
     * torn, no fence, no read-modify-write); the scrape reads it with an opaque load and sees
     * every increment up to one still in flight. The cell is reachable from here strongly and its
     * handle only weakly: when the handle is collected (the lock died, or it was rebound after the
     * listener set changed) its weak reference is enqueued and the cell's final count is folded
     * into retired, so the sum never goes down and dead locks cost no memory after the next
     * track() or sum(). All bookkeeping happens under this object's monitor, never on an event.
     */

    /** Increments from overlapping callers. */
    final LongAdder shared = new LongAdder();
    private final ReferenceQueue<Object> queue = new ReferenceQueue<>();
    private final Set<Tracked> live = new HashSet<>(); // guarded by this
    private long retired;                               // guarded by this

    /** Starts counting for a handle; the returned cell is counted while the handle lives, and after. */
    Cell track(Object handle) {
        Cell cell = new Cell();
        synchronized (this) {
            expunge();
            live.add(new Tracked(handle, cell, queue));
        }
        return cell;
    }

    /** The count: retired cells, live cells and the shared adder. */
    synchronized long sum() {
        expunge();
        long total = retired + shared.sum();
        for (Tracked tracked : live) {
            total += tracked.cell.get();
        }
        return total;
    }

    /** How many cells are tracked; for tests. */
    synchronized int tracked() {
        expunge();
        return live.size();
    }

    private void expunge() {
        for (Reference<?> reference; (reference = queue.poll()) != null; ) {
            Tracked tracked = (Tracked) reference;
            if (live.remove(tracked)) {
                retired += tracked.cell.get();
            }
        }
    }

    /** One owner-written count. */
    static final class Cell {
        private static final VarHandle COUNT;

        static {
            try {
                COUNT = MethodHandles.lookup().findVarHandle(Cell.class, "count", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        @SuppressWarnings("unused") // through COUNT
        private long count;

        /** Adds one; callers never overlap (see the overview). */
        void increment() {
            COUNT.setOpaque(this, (long) COUNT.getOpaque(this) + 1L);
        }

        long get() {
            return (long) COUNT.getOpaque(this);
        }
    }

    private static final class Tracked extends WeakReference<Object> {
        final Cell cell;

        Tracked(Object handle, Cell cell, ReferenceQueue<Object> queue) {
            super(handle, queue);
            this.cell = cell;
        }
    }
}
