package dev.fearless.handle;

import java.time.Duration;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The {@link WriteGuard} of a held lock ({@link Shared#lock()}, {@link SharedRw#write()}), which
 * can also wait until the value satisfies a condition: the counterpart of Rust's
 * {@code Condvar::wait_while} on a {@code MutexGuard}, without a separate condition variable.
 *
 * <p>{@link #await(Predicate)} tests the condition on the value; while it is false, it releases
 * the lock, waits until another thread changes the value, takes the lock again and tests again.
 * Every release of the handle's write lock after a write (an {@code update} or {@code mutate}
 * closure, a multi-handle closure, the close of a write guard) wakes the waiters, so no
 * {@code signal} call is needed and none can be forgotten. The waits take part in lock telemetry
 * as the lock's own condition waits do: a
 * {@link dev.fearless.telemetry.TelemetryListener#lockReleased lockReleased} when the wait begins
 * and a {@link dev.fearless.telemetry.TelemetryListener#lockAcquired lockAcquired} when it ends.
 *
 * <pre>{@code
 * Shared<Deque<Job>> queue = Shared.of("jobs", new ArrayDeque<>());
 * // consumer
 * try (LockGuard<Deque<Job>> jobs = queue.lock()) {
 *     jobs.await(q -> !q.isEmpty());         // releases the lock while it waits
 *     Job next = jobs.get().poll();
 * }
 * // producer: the end of the closure wakes the consumer
 * queue.mutate(q -> q.add(job));
 * }</pre>
 *
 * <p>Memory consistency effects: actions in a thread prior to releasing the write lock
 * happen-before the condition is tested, after the wait, by a waiting thread.
 *
 * @param <T> the value type
 */
public sealed interface LockGuard<T extends @Nullable Object> extends WriteGuard<T> permits Core.LockHeld {

    /**
     * Waits until {@code condition} holds for the value, releasing the lock while waiting; returns
     * at once if it holds already. When this returns, the lock is held and the condition held when
     * it was last tested. The condition is tested with the lock held, on this thread; it must not
     * change the value.
     *
     * @param condition the condition on the value
     * @throws InterruptedException if the thread is interrupted while waiting; the lock is held
     *     again and the guard still open
     * @throws PoisonedException if the handle was poisoned while this thread waited; the guard
     *     stays open (close it as usual). A guard from {@link PoisonedException#into()}, taken on
     *     a handle already poisoned, goes on waiting.
     * @throws GuardClosedException if the guard is closed
     * @throws WrongThreadException if called from a thread other than the one that took the guard
     * @throws NullPointerException if {@code condition} is null
     */
    void await(Predicate<? super T> condition) throws InterruptedException;

    /**
     * Waits at most {@code timeout} until {@code condition} holds for the value, releasing the
     * lock while waiting; a zero timeout tests once and does not wait. Whatever it returns, the
     * lock is held again when it returns.
     *
     * @param condition the condition on the value
     * @param timeout how long to wait at most
     * @return {@code true} if the condition held, {@code false} if the timeout elapsed first
     * @throws InterruptedException if the thread is interrupted while waiting; the lock is held
     *     again and the guard still open
     * @throws PoisonedException if the handle was poisoned while this thread waited; the guard
     *     stays open
     * @throws GuardClosedException if the guard is closed
     * @throws WrongThreadException if called from a thread other than the one that took the guard
     * @throws NullPointerException if {@code condition} or {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    boolean await(Predicate<? super T> condition, Duration timeout) throws InterruptedException;
}
