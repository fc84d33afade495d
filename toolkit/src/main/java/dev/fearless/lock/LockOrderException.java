package dev.fearless.lock;

import java.io.Serial;
import java.util.List;

/**
 * Thrown by the {@link LockOrderChecker} in {@link LockOrderChecker.Mode#THROW THROW} mode when an
 * acquisition breaks a lock-order rule. It is always thrown before the acquisition takes any
 * lock, so the caller still holds exactly what it held before the call. The message is the full
 * report: the locks, the threads, the stacks and what to change.
 *
 * <pre>{@code
 * try {
 *     lock.lock();
 * } catch (LockOrderException e) {
 *     switch (e) {
 *         case PotentialDeadlockException p -> fail("lock-order cycle " + p.cycle());
 *         case HoldAndWaitException h -> fail("asked for " + h.requested() + " holding " + h.held());
 *     }
 * }
 * }</pre>
 */
public abstract sealed class LockOrderException extends IllegalStateException
        permits PotentialDeadlockException, HoldAndWaitException {

    @Serial
    private static final long serialVersionUID = 1L;

    LockOrderException(String report) {
        super(report);
    }

    /**
     * Returns the full report, the same text as {@link #getMessage()}.
     *
     * @return the report
     */
    public String report() {
        String message = getMessage();
        return message == null ? "" : message;
    }

    /**
     * Returns the labels ({@code name#rank}, or the lock class) of the locks involved.
     *
     * @return an unmodifiable list of lock labels
     */
    public abstract List<String> locks();
}
