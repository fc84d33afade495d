package dev.fearless.scope;

import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A handle to work forked in a {@link Scope}: its {@linkplain #state() state}, its
 * {@linkplain #get() result} or {@linkplain #exception() exception}, a way to
 * {@linkplain #cancel() cancel} it alone, and {@linkplain #onCancel(Runnable) cancel hooks} for
 * blocking calls that ignore interrupts.
 *
 * <p>A task starts in {@link State#RUNNING} and moves exactly once to {@link State#SUCCEEDED},
 * {@link State#FAILED} or {@link State#CANCELLED}; whichever of "the task finished" and "the task
 * was cancelled" happens first decides. A task forked into a scope that is already cancelled never
 * runs: it is returned already {@code CANCELLED}.
 *
 * <pre>{@code
 * try (var scope = Scope.open()) {
 *     Task<User> user = scope.fork(() -> users.find(id));
 *     Task<List<Order>> orders = scope.fork(() -> orderDb.ordersOf(id));
 *     scope.join();                                  // every task has ended
 *     return new Page(user.get(), orders.get());     // both SUCCEEDED, or join would have thrown
 * }
 * }</pre>
 *
 * <p>Inside a task, {@link #current()} returns its own handle; a cancel hook closes what an
 * interrupt cannot reach:
 * <pre>{@code
 * scope.fork(() -> {
 *     Socket socket = connect(address);
 *     try (var _ = Task.current().orElseThrow().onCancel(() -> closeQuietly(socket))) {
 *         return read(socket);                       // unblocked by close() if the task is cancelled
 *     }
 * });
 * }</pre>
 *
 * <p>Memory consistency effects: actions in a task happen-before another thread observes its final
 * state through {@link #state()}, {@link #get()} or {@link #exception()}; in particular they
 * happen-before {@link Scope#join()} returns or throws. Actions in a thread prior to
 * {@link #cancel()} happen-before the cancel hooks it runs.
 *
 * @param <T> the result type
 */
public sealed interface Task<T extends @Nullable Object> extends Supplier<T> permits ScopeTask {

    /** The states of a task; every task ends in exactly one of the three final states. */
    enum State {
        /** Forked and not yet ended; a task's thread may still be running in any other state too. */
        RUNNING,
        /** Ended by returning; {@link Task#get()} returns the result. */
        SUCCEEDED,
        /** Ended by throwing; {@link Task#exception()} returns what it threw. */
        FAILED,
        /** Cancelled before it ended, or forked into a scope that was already cancelled. */
        CANCELLED
    }

    /**
     * Returns the task's state. A final state never changes. The thread may still be winding down
     * when the state is {@link State#CANCELLED}; {@link Scope#join()} and {@link Scope#close()}
     * wait for it.
     *
     * @return the current state
     */
    State state();

    /**
     * Returns the result of a task that {@link State#SUCCEEDED}; {@code null} for a forked
     * {@link Runnable}.
     *
     * @return the result
     * @throws IllegalStateException if the task is still running (call {@link Scope#join()}
     *     first), or failed (the failure is the cause)
     * @throws CancellationException if the task was cancelled (a subtype of
     *     {@code IllegalStateException})
     */
    @Override
    T get();

    /**
     * Waits until this task has ended and returns its result, as {@link #get()} does then. Use it to
     * wait for one task without waiting for the whole scope: the owner or a sibling task that needs
     * one result early. "Ended" means the state is final: a {@link State#CANCELLED} task's thread
     * may still be winding down ({@link Scope#join()} and {@link Scope#close()} wait for it). Any
     * thread may join a task, and any number of threads at once; joining a task that has already
     * ended returns at once.
     *
     * <pre>{@code
     * try (var scope = Scope.open()) {
     *     Task<Config> config = scope.fork(() -> loadConfig());
     *     scope.fork(() -> warmCaches(config.join()));  // a sibling waits for the one result it needs
     *     scope.join();
     * }
     * }</pre>
     *
     * @return the result of a task that {@link State#SUCCEEDED}; {@code null} for a forked
     *     {@link Runnable}
     * @throws InterruptedException if the calling thread was interrupted while waiting; the task is
     *     not affected
     * @throws IllegalStateException if the task failed (its exception is the cause)
     * @throws CancellationException if the task was cancelled
     * @throws WrongThreadException if called by the task's own thread while it runs (it would wait
     *     forever)
     */
    T join() throws InterruptedException;

    /**
     * Returns what a task that {@link State#FAILED} threw.
     *
     * @return the exception or error thrown by the task
     * @throws IllegalStateException if the task did not fail
     */
    Throwable exception();

    /**
     * Cancels this task if it is still running: its state becomes {@link State#CANCELLED}, its
     * thread is interrupted, and its cancel hooks run on the calling thread. Whatever the task
     * returns or throws afterwards is discarded. Does nothing when the task has already ended or
     * was already cancelled; never throws. Any thread may cancel a task; a task may cancel itself.
     *
     * <p>Cancelling one task does not cancel its scope or its siblings, and the built-in policies
     * do not count a cancelled task as a failure.
     */
    void cancel();

    /**
     * Registers a hook that runs once if this task is cancelled (by {@link #cancel()}, by its
     * scope's {@link Scope#cancel()}, deadline or policy, or by closing the scope without a join).
     * Use it to unblock calls that ignore interrupts: close a socket, cancel a JDBC statement or a
     * {@link java.util.concurrent.CompletionStage}. Close the returned handle once the blocking call
     * is done, so the hook does not run later.
     *
     * <p>Hooks run on the thread that cancels, most recently registered first, after the task's
     * thread has been interrupted. They must be quick and must not block. An exception thrown by a
     * hook is logged and does not stop the other hooks. If the task is already cancelled the hook
     * runs at once on the calling thread; if the task has already ended otherwise it never runs.
     *
     * @param hook the action to run on cancellation
     * @return a handle whose {@link CancelHook#close()} removes the hook
     * @throws NullPointerException if {@code hook} is null
     */
    CancelHook onCancel(Runnable hook);

    /**
     * Returns the task the calling thread is running, or empty when the calling thread is not
     * running a task of a {@link Scope}.
     *
     * <pre>{@code
     * Task.current().ifPresent(task -> task.onCancel(() -> future.cancel(true)));
     * }</pre>
     *
     * @return the current task
     */
    static Optional<Task<?>> current() {
        return Optional.ofNullable(ScopeTask.currentOrNull());
    }

    /**
     * A registered cancel hook. {@link #close()} removes it; closing it after it ran, or twice, has
     * no effect. Closing does not wait for a hook that is running at that moment.
     *
     * <pre>{@code
     * try (var _ = task.onCancel(statement::cancel)) {
     *     return statement.executeQuery();
     * }
     * }</pre>
     */
    sealed interface CancelHook extends AutoCloseable permits HookNode {

        /** Removes the hook if it has not run yet; never throws. */
        @Override
        void close();
    }
}
