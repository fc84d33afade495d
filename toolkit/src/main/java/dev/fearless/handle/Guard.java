package dev.fearless.handle;

import org.jspecify.annotations.Nullable;

/**
 * Access to a handle's value for as long as the guard is open: a held lock of a {@link Shared}
 * or {@link SharedRw}, or a borrow of a {@link Confined}. Use it in a try-with-resources statement
 * on the thread that took it; {@link WriteGuard} adds {@link WriteGuard#set(Object) set}, and
 * {@link LockGuard} waiting for a condition.
 *
 * <ul>
 *   <li>{@link #get()} and {@link #close()} from another thread throw {@link WrongThreadException}
 *       (a guard, like Rust's {@code MutexGuard}, is not {@code Send}).</li>
 *   <li>{@link #get()} after {@link #close()} throws {@link GuardClosedException}; a second
 *       {@code close()} does nothing.</li>
 *   <li>Do not keep the value beyond the block: the guard cannot stop a reference from escaping,
 *       only make the rule visible.</li>
 *   <li>A guard that is never closed keeps its lock or borrow forever; leak detection
 *       ({@link Diagnostics}) reports it, with the site where it was taken, once it becomes
 *       unreachable.</li>
 *   <li>Java does not tell {@code close()} that an exception is propagating, so an exception
 *       thrown inside a guard block does not poison the handle; the closure forms
 *       ({@code update}, {@code mutate}, {@code read}) do poison (see {@link Shared}).</li>
 * </ul>
 *
 * <pre>{@code
 * try (Guard<Config> config = settings.read()) {
 *     return config.get().timeout();
 * }
 * }</pre>
 *
 * @param <T> the value type
 */
public sealed interface Guard<T extends @Nullable Object> extends AutoCloseable permits WriteGuard, Held {

    /**
     * Returns the guarded value.
     *
     * @return the value
     * @throws GuardClosedException if the guard is closed
     * @throws WrongThreadException if called from a thread other than the one that took the guard
     */
    T get();

    /**
     * Releases the lock or borrow; a second call does nothing.
     *
     * @throws WrongThreadException if called from a thread other than the one that took the guard
     */
    @Override
    void close();
}
