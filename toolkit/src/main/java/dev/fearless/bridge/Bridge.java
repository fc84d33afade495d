package dev.fearless.bridge;

import dev.fearless.internal.Durations;
import dev.fearless.internal.TimeSource;
import dev.fearless.scope.Scope;
import dev.fearless.scope.Task.CancelHook;
import dev.fearless.tracking.Tracking;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The two directions between blocking code on virtual threads and asynchronous APIs.
 *
 * <ul>
 *   <li>Blocking to async: {@link #async(Callable)} runs blocking code on its own virtual thread
 *       and returns a {@link CompletableFuture} whose {@code cancel(true)} interrupts that thread.
 *       To bound or name the threads, submit to a {@link VirtualExecutor} instead.</li>
 *   <li>Async to blocking: {@link #await(CompletionStage)} and
 *       {@link #await(CompletionStage, Duration)} block the calling thread (cheaply, on a virtual
 *       thread) until a stage completes; interrupting the waiter or passing the timeout cancels
 *       the stage.</li>
 *   <li>Async inside structured code: {@link #awaiting(Supplier)} turns a stage-returning call
 *       into a task for {@link Scope#fork(Callable)}, so that cancelling the
 *       task or its scope (explicitly, by its deadline, or by a sibling's failure) cancels the
 *       stage.</li>
 * </ul>
 *
 * <pre>{@code
 * // structured code calling a CompletableFuture API
 * User user = Bridge.await(userClient.fetchAsync(id), Duration.ofSeconds(2));
 *
 * // a blocking call offered to async callers
 * CompletableFuture<Report> report = Bridge.async(() -> reports.render(id));
 * }</pre>
 *
 * <h2 id="cancelling">How {@code await} cancels a stage</h2>
 * When the waiter is interrupted or the timeout passes, {@code await} calls {@code cancel(true)}
 * on the stage if it is a {@link Future} (any {@code CompletableFuture}; the futures of
 * {@link #async} and {@link VirtualExecutor} then interrupt the task's thread), and otherwise on
 * the future its {@code toCompletableFuture()} returns, which for stages that hand out a copy
 * (such as {@code minimalCompletionStage()}) leaves the source running. The stage is not
 * cancelled when it completes normally or exceptionally, or when its waiter returns.
 *
 * <h2 id="unwrapping">How {@code await} reports a failed stage</h2>
 * Let {@code t} be the exception the stage failed with. While {@code t} is a
 * {@link CompletionException} or an {@link ExecutionException} with a non-null cause, {@code t}
 * becomes that cause. Then:
 * <ol>
 *   <li>an unchecked {@code t} (a {@link RuntimeException} or an {@link Error}) is thrown as it
 *       is, the same instance (its stack trace is that of the code that failed); a cancelled stage
 *       throws a {@link CancellationException} (whose cause, on the JDK's own futures, is the one
 *       the stage was cancelled with);</li>
 *   <li>a checked {@code t} is thrown wrapped in a {@link StageFailedException} whose cause is
 *       {@code t}. Because {@code StageFailedException} is a {@code CompletionException}, awaiting a
 *       stage that failed with one unwraps it again: wrapping never nests.</li>
 * </ol>
 *
 * <p>Memory consistency effects: actions in a thread prior to {@link #async} happen-before the
 * task begins; actions of the code that completes a stage happen-before {@code await} returns or
 * throws for that completion.
 */
public final class Bridge {

    /*
     * Implementation overview: async() is a submit to one shared, unlimited VirtualExecutor
     * ("async"), created on first use and never shut down, so it inherits TaskFuture's
     * interrupting cancel, context propagation and telemetry. await() waits on a
     * CompletableFuture view of the stage: its toCompletableFuture() (the stage itself for a
     * CompletableFuture, a dependent copy for a minimal stage) or, when that is unsupported, a
     * future completed by whenComplete. Cancellation targets the stage when it is a Future that
     * supports cancel, else the view returned by toCompletableFuture() (cancelling a copy is
     * harmless and all that can be done). awaiting() is await() plus a cancel hook on the current
     * scope task (registered after the stage exists, removed once it completed; a task already
     * cancelled runs the hook at once), so Task.cancel/Scope.cancel cancel the stage on the
     * cancelling thread, and the interrupt that follows is handled as in await().
     */

    private Bridge() {}

    private static final class Shared {
        static final VirtualExecutor ASYNC = VirtualExecutor.builder().name("async").build();
    }

    /**
     * Runs {@code task} on a new virtual thread and returns its future. The future completes with
     * the task's result or with the exception the task threw, not wrapped; {@code cancel(true)}
     * interrupts the thread, and a task cancelled before it starts never runs. The calling
     * thread's context ({@link dev.fearless.context.ContextPropagation#defaults()}: the MDC and
     * every propagator registered with {@link java.util.ServiceLoader}) is carried into the task,
     * with the executor's guards: a snapshot that never runs the task fails its future, a second
     * run is refused. The threads belong to a shared executor named {@code "async"} that reports
     * to telemetry under that name; build a {@link VirtualExecutor} to choose the context.
     *
     * <pre>{@code
     * CompletableFuture<byte[]> bytes = Bridge.async(() -> Files.readAllBytes(path));
     * bytes.cancel(true); // interrupts the read if it is still running
     * }</pre>
     *
     * @param task the blocking code to run
     * @param <T> the result type
     * @return the task's future
     * @throws NullPointerException if {@code task} is null
     */
    public static <T> CompletableFuture<T> async(Callable<T> task) {
        return Shared.ASYNC.submit(task);
    }

    /**
     * Runs {@code task} like {@link #async(Callable)}, on a new thread of {@code threadFactory}
     * (platform threads, or the controlled threads of a schedule explorer). The task is counted
     * and reported as one of the shared {@code "async"} executor's.
     *
     * <pre>{@code
     * CompletableFuture<Report> report = Bridge.async(() -> reports.render(id),
     *         Thread.ofPlatform().name("render-", 0).factory());
     * }</pre>
     *
     * @param task the blocking code to run
     * @param threadFactory makes the task's thread; it must return it unstarted
     * @param <T> the result type
     * @return the task's future
     * @throws NullPointerException if an argument is null
     * @throws TaskRejectedException if the factory returned null or a started thread, or threw
     *     (its exception is the cause)
     */
    public static <T> CompletableFuture<T> async(Callable<T> task, ThreadFactory threadFactory) {
        return Shared.ASYNC.submitOn(task, threadFactory);
    }

    /**
     * Blocks until {@code stage} completes and returns its value. If the waiting thread is
     * interrupted, the stage is <a href="#cancelling">cancelled</a> and
     * {@code InterruptedException} is thrown. A stage already complete returns at once, even when
     * the caller's interrupt status is set.
     *
     * <pre>{@code
     * Invoice invoice = Bridge.await(billing.invoiceAsync(order)); // from a virtual thread
     * }</pre>
     *
     * @param stage the stage to wait for
     * @param <T> the value type
     * @return the stage's value
     * @throws InterruptedException if interrupted while waiting; the stage was cancelled
     * @throws CancellationException if the stage was cancelled
     * @throws StageFailedException if the stage failed with a checked exception (its cause)
     * @throws RuntimeException the stage's unchecked failure, as <a href="#unwrapping">unwrapped</a>
     * @throws NullPointerException if {@code stage} is null
     */
    public static <T> T await(CompletionStage<T> stage) throws InterruptedException {
        Objects.requireNonNull(stage, "stage");
        CompletableFuture<T> view = view(stage);
        Tracking.Wait tracked = Tracking.enabled() && !view.isDone() ? Tracking.stage(stage, view) : null;
        try {
            return view.get();
        } catch (ExecutionException e) {
            throw unwrap(e);
        } catch (InterruptedException e) {
            cancel(stage, view);
            throw e;
        } finally {
            Tracking.end(tracked);
        }
    }

    /**
     * Blocks at most {@code timeout} until {@code stage} completes and returns its value. If the
     * timeout passes, or the waiting thread is interrupted, the stage is
     * <a href="#cancelling">cancelled</a> and {@code TimeoutException} or {@code InterruptedException} is thrown.
     * A zero timeout does not wait: it returns the value of a stage that is already complete, and
     * otherwise cancels it and throws {@code TimeoutException}. A timeout too long to count in
     * nanoseconds waits as long as {@link #await(CompletionStage)}.
     *
     * <pre>{@code
     * try {
     *     Quote quote = Bridge.await(pricing.quoteAsync(item), Duration.ofMillis(300));
     * } catch (TimeoutException e) {
     *     // the pricing call was cancelled
     * }
     * }</pre>
     *
     * @param stage the stage to wait for
     * @param timeout the longest to wait; zero does not wait
     * @param <T> the value type
     * @return the stage's value
     * @throws InterruptedException if interrupted while waiting; the stage was cancelled
     * @throws TimeoutException if the timeout passed first; the stage was cancelled
     * @throws CancellationException if the stage was cancelled
     * @throws StageFailedException if the stage failed with a checked exception (its cause)
     * @throws RuntimeException the stage's unchecked failure, as <a href="#unwrapping">unwrapped</a>
     * @throws NullPointerException if {@code stage} or {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public static <T> T await(CompletionStage<T> stage, Duration timeout)
            throws InterruptedException, TimeoutException {
        Objects.requireNonNull(stage, "stage");
        long nanos = Durations.toNanosSaturated(timeout);
        CompletableFuture<T> view = view(stage);
        Tracking.Wait tracked = Tracking.enabled() && !view.isDone() ? Tracking.stage(stage, view) : null;
        try {
            return TimeSource.replaced() ? getThroughTimeSource(view, nanos) : view.get(nanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw unwrap(e);
        } catch (InterruptedException e) {
            cancel(stage, view);
            throw e;
        } catch (TimeoutException e) {
            boolean cancelled = cancel(stage, view);
            TimeoutException timedOut = new TimeoutException("stage " + stage + " did not complete within " + timeout
                    + (cancelled ? "; it was cancelled" : "; it was not cancelled (already complete, or not cancellable)"));
            timedOut.initCause(e);
            throw timedOut;
        } finally {
            Tracking.end(tracked);
        }
    }

    /**
     * Returns a task that starts an asynchronous operation and waits for it, for
     * {@link Scope#fork(Callable)}: when the task is cancelled (by
     * {@link dev.fearless.scope.Task#cancel()}, by its scope's {@link Scope#cancel() cancel()},
     * deadline or policy, such as a sibling's failure under the default policy, or by closing the
     * scope without a join), the stage is <a href="#cancelling">cancelled</a> too. A
     * {@code CompletableFuture} that was cancelled completes its dependents with a
     * {@link CancellationException} at once, and the futures of {@link #async} and
     * {@link VirtualExecutor} interrupt their task.
     *
     * <pre>{@code
     * try (var scope = Scope.open()) {
     *     Task<User> user = scope.fork(Bridge.awaiting(() -> userClient.fetchAsync(id)));
     *     Task<List<Order>> orders = scope.fork(() -> orderDb.ordersOf(id));
     *     scope.join();                     // if orders fails, the HTTP call is cancelled
     *     return new Page(user.get(), orders.get());
     * }
     * }</pre>
     *
     * <p>When the task runs, it calls {@code operation} once on its own thread, registers a
     * {@linkplain dev.fearless.scope.Task#onCancel(Runnable) cancel hook} that cancels the stage (so the stage is
     * cancelled by the time {@code cancel()} returns, even before the task's thread wakes up), and
     * waits for the stage as {@link #await(CompletionStage)} does; the hook is removed when the
     * stage completes. Outside a scope's task the hook is skipped and interrupting the thread still
     * cancels the stage.
     *
     * <p>Result and failure: the task returns the stage's value. A failed stage fails the task with
     * the stage's own exception, unwrapped by <a href="#unwrapping">the rule of {@code await}</a>
     * except that a checked exception is thrown as it is too (a {@code Callable} may throw it), so
     * the {@link dev.fearless.scope.ScopeFailedException} of the scope has the stage's exception as
     * its cause. A stage cancelled by someone else fails the task with
     * {@link CancellationException}. If {@code operation} throws or returns null, the task fails
     * with that exception or a {@link NullPointerException}.
     *
     * @param operation starts the asynchronous operation and returns its stage; called once per
     *     call of the returned task
     * @param <T> the value type
     * @return a task that runs the operation and waits for its stage
     * @throws NullPointerException if {@code operation} is null
     */
    public static <T> Callable<T> awaiting(Supplier<? extends CompletionStage<T>> operation) {
        Objects.requireNonNull(operation, "operation");
        return () -> awaitCancellable(operation);
    }

    private static <T> T awaitCancellable(Supplier<? extends CompletionStage<T>> operation) throws Exception {
        CompletionStage<T> stage = Objects.requireNonNull(operation.get(), "the operation returned a null stage");
        CompletableFuture<T> view = view(stage);
        dev.fearless.scope.@Nullable Task<?> task = dev.fearless.scope.Task.current().orElse(null);
        @Nullable CancelHook hook = task == null ? null : task.onCancel(() -> cancel(stage, view));
        Tracking.@Nullable Wait tracked = null;
        try {
            tracked = Tracking.enabled() && !view.isDone() ? Tracking.stage(stage, view) : null;
            return view.get();
        } catch (ExecutionException e) {
            RuntimeException unwrapped = unwrap(e);
            if (unwrapped instanceof StageFailedException failed && failed.getCause() instanceof Exception checked) {
                throw checked;
            }
            throw unwrapped;
        } catch (InterruptedException e) {
            cancel(stage, view);
            throw e;
        } finally {
            Tracking.end(tracked);
            if (hook != null) {
                hook.close();
            }
        }
    }

    /** A timed get whose wait parks through the time source (virtual time), unparked on completion. */
    private static <T> T getThroughTimeSource(CompletableFuture<T> view, long nanos)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (!view.isDone() && nanos > 0L) {
            Thread waiter = Thread.currentThread();
            view.whenComplete((value, failure) -> LockSupport.unpark(waiter));
            long deadline = Durations.deadline(TimeSource.nanoTime(), nanos);
            while (!view.isDone()) {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                long remaining = deadline - TimeSource.nanoTime();
                if (remaining <= 0L) {
                    break;
                }
                TimeSource.parkNanos(view, remaining);
            }
        }
        return view.get(0L, TimeUnit.NANOSECONDS); // done: its outcome; else TimeoutException
    }

    private static <T> CompletableFuture<T> view(CompletionStage<T> stage) {
        try { // a CompletableFuture returns itself; a minimal stage, a dependent copy
            return stage.toCompletableFuture();
        } catch (UnsupportedOperationException e) {
            CompletableFuture<T> relay = new Relay<>();
            stage.whenComplete((value, failure) -> {
                if (failure != null) {
                    relay.completeExceptionally(failure);
                } else {
                    relay.complete(value);
                }
            });
            return relay;
        }
    }

    /** A future that only mirrors a stage which offers no future of its own; cancelling it is pointless. */
    private static final class Relay<T> extends CompletableFuture<T> {}

    /** Cancels the stage if it can be; returns whether the stage (or its future view) was cancelled. */
    private static boolean cancel(CompletionStage<?> stage, CompletableFuture<?> view) {
        if (stage instanceof Future<?> future) {
            try {
                return future.cancel(true);
            } catch (UnsupportedOperationException e) {
                return false; // a minimal stage: it cannot be cancelled through this reference
            }
        }
        return !(view instanceof Relay) && view.cancel(true);
    }

    /** Applies the documented rule to a failure reported by {@code Future.get}. */
    static RuntimeException unwrap(ExecutionException wrapper) {
        Throwable failure = wrapper;
        @Nullable Throwable cause;
        while ((failure instanceof CompletionException || failure instanceof ExecutionException)
                && (cause = failure.getCause()) != null) {
            failure = cause;
        }
        if (failure instanceof RuntimeException unchecked) {
            return unchecked;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        return new StageFailedException(failure);
    }
}
