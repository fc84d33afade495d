package dev.fearless.handle;

import java.io.Serial;

/**
 * Thrown when a {@link Guard} (or the value list of {@link Shared#updateAll}) is used after it
 * was closed: the lock or borrow it stood for is gone, so the value is no longer reachable
 * through it. Closing a guard twice is allowed and does nothing.
 *
 * <pre>{@code
 * WriteGuard<Integer> guard = counter.lock();
 * guard.close();
 * guard.get();   // throws GuardClosedException: take a new guard with counter.lock()
 * }</pre>
 */
public final class GuardClosedException extends HandleException {

    @Serial
    private static final long serialVersionUID = 1L;

    GuardClosedException(String message) {
        super(message, null);
    }
}
