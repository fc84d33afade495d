package dev.fearless.lock;

import java.io.Serial;
import java.util.List;
import java.util.stream.Stream;

/**
 * A thread asked {@link Locks} for a set of locks while already holding another tracked lock, and
 * the {@link LockOrderChecker}'s hold-and-wait rule is on ({@link
 * LockOrderChecker#setCheckHoldAndWait(boolean)}). A set is taken without deadlock, but a lock held
 * outside it is not part of that guarantee: the runtime form of "no partial allocation". Thrown
 * before any lock of the set is taken, in {@link LockOrderChecker.Mode#THROW THROW} mode.
 *
 * <pre>{@code
 * LockOrderChecker.setMode(LockOrderChecker.Mode.THROW);
 * LockOrderChecker.setCheckHoldAndWait(true);
 * try (HeldLocks outer = Locks.lockAll(a)) {
 *     Locks.lockAll(b, c);   // throws HoldAndWaitException: held [a#1], requested [b#2, c#3]
 * }
 * }</pre>
 */
public final class HoldAndWaitException extends LockOrderException {

    @Serial
    private static final long serialVersionUID = 1L;

    /** The locks held, as the report names them. */
    @SuppressWarnings("serial") // an immutable List.copyOf
    private final List<String> held;
    /** The locks requested, as the report names them. */
    @SuppressWarnings("serial") // an immutable List.copyOf
    private final List<String> requested;

    HoldAndWaitException(String report, List<String> held, List<String> requested) {
        super(report);
        this.held = List.copyOf(held);
        this.requested = List.copyOf(requested);
    }

    /**
     * Returns the labels of the locks the thread held when it asked.
     *
     * @return an unmodifiable list
     */
    public List<String> held() {
        return held;
    }

    /**
     * Returns the labels of the locks it asked for and did not already hold.
     *
     * @return an unmodifiable list
     */
    public List<String> requested() {
        return requested;
    }

    @Override
    public List<String> locks() {
        return Stream.concat(held.stream(), requested.stream()).toList();
    }
}
