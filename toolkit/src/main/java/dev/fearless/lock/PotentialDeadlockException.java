package dev.fearless.lock;

import java.io.Serial;
import java.util.List;

/**
 * An acquisition would close a cycle in the lock-order graph: threads taking these locks in the
 * recorded orders at the same time can deadlock, even if none has yet. Thrown before the lock is
 * taken, in {@link LockOrderChecker.Mode#THROW THROW} mode; in {@link LockOrderChecker.Mode#WARN
 * WARN} mode the same report is logged instead.
 *
 * <pre>{@code
 * LockOrderChecker.setMode(LockOrderChecker.Mode.THROW);
 * a.lock(); b.lock(); b.unlock(); a.unlock();   // records a -> b
 * b.lock();
 * a.lock();                                     // throws PotentialDeadlockException: cycle [a#1, b#2]; b is still held
 * }</pre>
 */
public final class PotentialDeadlockException extends LockOrderException {

    @Serial
    private static final long serialVersionUID = 1L;

    /** The lock-order cycle, as the report names its locks. */
    @SuppressWarnings("serial") // an immutable List.copyOf
    private final List<String> cycle;

    PotentialDeadlockException(LockNode.Violation violation) {
        super(violation.report());
        this.cycle = violation.cycle;
    }

    /**
     * Returns the cycle: the labels of its locks (or lock classes) in acquisition order, starting
     * with the lock held by the thread that closed it.
     *
     * @return an unmodifiable list, at least one element (a lock class nested in itself)
     */
    public List<String> cycle() {
        return cycle;
    }

    @Override
    public List<String> locks() {
        return cycle;
    }
}
