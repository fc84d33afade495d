package dev.fearless.handle;

import org.jspecify.annotations.Nullable;

/**
 * A {@link Guard} with exclusive access: it may also replace the value. Returned by
 * {@link Confined#borrowMut()}, and, as a {@link LockGuard} that can also wait for a
 * condition, by {@link Shared#lock()} and {@link SharedRw#write()}.
 *
 * <pre>{@code
 * try (WriteGuard<Integer> count = counter.lock()) {
 *     count.set(count.get() + 1);
 * }
 * }</pre>
 *
 * @param <T> the value type
 */
public sealed interface WriteGuard<T extends @Nullable Object> extends Guard<T> permits WriteHeld, LockGuard {

    /**
     * Replaces the guarded value; the handle holds the new value from now on.
     *
     * @param value the new value
     * @throws GuardClosedException if the guard is closed
     * @throws WrongThreadException if called from a thread other than the one that took the guard
     */
    void set(T value);
}
