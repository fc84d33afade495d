package dev.fearless.scope;

import java.util.List;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Decides when a {@link Scope} is done and what {@link Scope#join()} returns.
 *
 * <p>The scope calls the policy at four points:
 * <ol>
 *   <li>{@link #onFork(Task)} on the forking thread, once per task, before the task starts;</li>
 *   <li>{@link #onComplete(Task)} once per task when its outcome is final, on the task's own thread
 *       just before it terminates; returning {@code true} declares the scope done, which cancels
 *       every task still running (a short-circuit);</li>
 *   <li>{@link #result()} on the owner thread, once, when {@code join()} has seen every task
 *       terminate; what it returns {@code join()} returns, what it throws {@code join()} throws;</li>
 *   <li>{@link #onTimeout(ScopeTimeoutException)} instead of {@code result()} when the scope's
 *       deadline passed first: rethrow the exception, or return a partial result.</li>
 * </ol>
 * When the scope was cancelled with {@link Scope#cancel()}, neither {@code result()} nor
 * {@code onTimeout} is called: {@code join()} throws {@link ScopeCancelledException}.
 *
 * <p>{@code onFork} and {@code onComplete} may be called concurrently from several threads (tasks
 * may fork, and tasks end in parallel), so they must be thread-safe, fast and non-blocking.
 * {@code onComplete} is still called for tasks that end after the scope is done; its return value
 * is then ignored. An exception thrown by {@code onFork} makes that {@code fork} throw it (the
 * task is not started); one thrown by {@code onComplete} cancels the scope and makes
 * {@code join()} throw an {@link IllegalStateException} with it as the cause.
 *
 * <p>{@linkplain Scope#forkDaemon(java.util.concurrent.Callable) Daemon tasks} and periodic timers
 * reach the policy like any other task. A daemon that {@code join()} cancels because the other
 * tasks have ended reaches {@code onComplete} as {@link Task.State#CANCELLED} (whatever it returns
 * then is ignored); no built-in policy counts a cancelled task as a failure.
 *
 * <p>A policy holds the state of one scope: the factories below return a fresh instance on every
 * call, and a built-in instance passed to a second scope is rejected.
 *
 * <p>The built-in policies:
 * <table class="striped">
 *   <caption>Built-in policies</caption>
 *   <thead><tr><th>policy</th><th>done when</th><th>{@code join()} returns</th>
 *     <th>on deadline</th></tr></thead>
 *   <tbody>
 *   <tr><td>{@link #allSuccessful()} (default)</td><td>the first task fails</td>
 *     <td>{@code null}, or throws {@link ScopeFailedException}</td><td>throws</td></tr>
 *   <tr><td>{@link #firstSuccess()}</td><td>the first task succeeds</td>
 *     <td>the winner's result, or throws {@link ScopeFailedException} when none succeeded</td>
 *     <td>throws</td></tr>
 *   <tr><td>{@link #awaitAll()}</td><td>never: every task runs to its end</td>
 *     <td>every task, in fork order</td><td>the tasks so far (partial)</td></tr>
 *   <tr><td>{@link #until(Predicate)}</td><td>the predicate accepts an ended task</td>
 *     <td>every task, in fork order</td><td>the tasks so far (partial)</td></tr>
 *   </tbody>
 * </table>
 *
 * <p>A custom policy, returning the first {@code n} successful results:
 * <pre>{@code
 * final class FirstN<T> implements Policy<T, List<T>> {
 *     private final int n;
 *     private final Queue<T> results = new ConcurrentLinkedQueue<>();
 *     private final AtomicInteger count = new AtomicInteger();
 *
 *     FirstN(int n) { this.n = n; }
 *
 *     @Override
 *     public boolean onComplete(Task<T> task) {
 *         if (task.state() == Task.State.SUCCEEDED && count.incrementAndGet() <= n) {
 *             results.add(task.get());
 *         }
 *         return count.get() >= n;               // done: cancel the rest
 *     }
 *
 *     @Override
 *     public List<T> result() {
 *         return List.copyOf(results);
 *     }
 *
 *     @Override
 *     public List<T> onTimeout(ScopeTimeoutException timeout) {
 *         return result();                       // whatever arrived before the deadline
 *     }
 * }
 *
 * try (var scope = Scope.open(new FirstN<Quote>(2))) {
 *     suppliers.forEach(s -> scope.fork(() -> s.quote(item)));
 *     List<Quote> twoQuotes = scope.join();
 * }
 * }</pre>
 *
 * <p>Memory consistency effects: actions in {@code onFork} and {@code onComplete}, and in the
 * tasks before they ended, happen-before {@code result()} or {@code onTimeout} is called.
 *
 * @param <T> the result type of the scope's tasks
 * @param <R> the type {@link Scope#join()} returns
 */
public interface Policy<T extends @Nullable Object, R extends @Nullable Object> {

    /**
     * Called on the forking thread when a task has been accepted, before its thread starts. The
     * task is {@link Task.State#RUNNING}, or already {@link Task.State#CANCELLED} when it was
     * forked into a cancelled scope (it then never runs, and {@link #onComplete(Task)} follows at
     * once on the forking thread). The default does nothing.
     *
     * @param task the new task
     */
    default void onFork(Task<T> task) {}

    /**
     * Called once for every task passed to {@link #onFork(Task)}, when its outcome is final, on
     * the task's own thread before it terminates. The default returns {@code false}.
     *
     * @param task the task that ended: {@link Task.State#SUCCEEDED}, {@link Task.State#FAILED} or
     *     {@link Task.State#CANCELLED}
     * @return {@code true} if the scope is now done: every task still running is cancelled
     */
    default boolean onComplete(Task<T> task) {
        return false;
    }

    /**
     * Returns what {@link Scope#join()} returns, or throws what it throws (typically a
     * {@link ScopeFailedException}). Called once, on the owner thread, after every task has
     * terminated.
     *
     * @return the scope's result
     */
    R result();

    /**
     * Called instead of {@link #result()} when the scope's deadline passed before
     * {@link Scope#join()} completed. Every task still running at the deadline has been cancelled
     * and has terminated. The default rethrows {@code timeout}; a policy that can return a partial
     * result returns it instead.
     *
     * @param timeout the exception {@code join()} throws unless a result is returned
     * @return a partial result
     */
    default R onTimeout(ScopeTimeoutException timeout) {
        throw timeout;
    }

    /**
     * Returns a policy under which every task must succeed: the first failure makes the scope
     * done, which cancels the tasks still running, and {@code join()} throws a
     * {@link ScopeFailedException} whose cause is that failure and whose suppressed exceptions are
     * the other failures; otherwise {@code join()} returns {@code null}. Read results from the
     * {@link Task} handles. Cancelled tasks are not failures. This is the default policy, and it
     * keeps no per-task state.
     *
     * <pre>{@code
     * try (var scope = Scope.open(Policy.allSuccessful())) {    // same as Scope.open()
     *     Task<User> user = scope.fork(() -> users.find(id));
     *     scope.join();
     *     return user.get();
     * }
     * }</pre>
     *
     * @param <T> the result type of the tasks
     * @return a new policy instance
     */
    static <T extends @Nullable Object> Policy<T, @Nullable Void> allSuccessful() {
        return new Policies.AllSuccessful<>();
    }

    /**
     * Returns a policy under which the first task to succeed wins: the scope is then done, the
     * others are cancelled, and {@code join()} returns the winner's result. When no task succeeds,
     * {@code join()} throws a {@link ScopeFailedException} whose cause is the first failure and
     * whose suppressed exceptions are the others (or a {@link java.util.NoSuchElementException}
     * cause when no task failed either).
     *
     * <pre>{@code
     * try (var scope = Scope.open(Policy.<Quote>firstSuccess())) {
     *     scope.fork(() -> quoteA());
     *     scope.fork(() -> quoteB());
     *     return scope.join();
     * }
     * }</pre>
     *
     * @param <T> the result type of the tasks
     * @return a new policy instance
     */
    static <T extends @Nullable Object> Policy<T, T> firstSuccess() {
        return new Policies.FirstSuccess<>();
    }

    /**
     * Returns a policy that never cancels: every task runs to its end, whatever the others do,
     * and {@code join()} returns every task in fork order (order among concurrent forks from
     * different threads is the order in which they were accepted) for the caller to inspect. When
     * the deadline passes, {@code join()} returns the same list: tasks cut off by the deadline are
     * {@link Task.State#CANCELLED}.
     *
     * <pre>{@code
     * try (var scope = Scope.builder().policy(Policy.<Health>awaitAll()).timeout(Duration.ofSeconds(1)).open()) {
     *     services.forEach(service -> scope.fork(service::health));
     *     for (Task<Health> task : scope.join()) {
     *         report(task.state(), task.state() == Task.State.SUCCEEDED ? task.get() : null);
     *     }
     * }
     * }</pre>
     *
     * @param <T> the result type of the tasks
     * @return a new policy instance
     */
    static <T extends @Nullable Object> Policy<T, List<Task<T>>> awaitAll() {
        return new Policies.Collecting<>(null);
    }

    /**
     * Returns a policy that makes the scope done as soon as {@code isDone} accepts a task that
     * ended (in any state), which cancels the tasks still running; {@code join()} returns every
     * task in fork order, as {@link #awaitAll()} does, also when the deadline passes. The predicate
     * runs on the tasks' threads, possibly concurrently; if it throws, the scope is cancelled and
     * {@code join()} throws an {@link IllegalStateException} with that cause.
     *
     * <pre>{@code
     * try (var scope = Scope.open(Policy.<Page>until(task ->
     *         task.state() == Task.State.SUCCEEDED && task.get().mentions(term)))) {
     *     urls.forEach(url -> scope.fork(() -> fetch(url)));
     *     List<Task<Page>> tasks = scope.join();
     * }
     * }</pre>
     *
     * @param isDone decides, for an ended task, whether the scope is done
     * @param <T> the result type of the tasks
     * @return a new policy instance
     * @throws NullPointerException if {@code isDone} is null
     */
    static <T extends @Nullable Object> Policy<T, List<Task<T>>> until(Predicate<? super Task<T>> isDone) {
        return new Policies.Collecting<>(java.util.Objects.requireNonNull(isDone, "isDone"));
    }
}
