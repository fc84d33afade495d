package dev.fearless.spring.boot;

import dev.fearless.bridge.VirtualExecutor;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.task.TaskRejectedException;

/**
 * A {@link VirtualExecutor} as Spring's {@link AsyncTaskExecutor}: the executor of {@code @Async}
 * methods and of Spring MVC's asynchronous requests when it is the {@code applicationTaskExecutor}
 * bean. Every task runs on a new virtual thread, within the executor's limit and policy, with the
 * submitting thread's context (MDC, Micrometer context-propagation values such as the current
 * observation or span) installed around it.
 *
 * <pre>{@code
 * FearlessTaskExecutor executor = new FearlessTaskExecutor(
 *         VirtualExecutor.builder().name("mail").limit(8, LimitPolicy.enqueue()).build(),
 *         null, Duration.ofSeconds(30));
 * CompletableFuture<String> sent = executor.submitCompletable(() -> mailer.send(message));
 * executor.destroy();   // waits up to 30 s for accepted tasks, then interrupts them
 * }</pre>
 *
 * <p>A refusal by the limit policy or a shut-down executor is thrown as Spring's
 * {@link TaskRejectedException}, whose cause is Fearless's
 * {@link dev.fearless.bridge.TaskRejectedException} (it names the executor, the limit, the policy
 * and the reason).
 */
public final class FearlessTaskExecutor implements AsyncTaskExecutor, DisposableBean {

    private final VirtualExecutor executor;
    private final @Nullable TaskDecorator decorator;
    private final Duration shutdownTimeout;

    /**
     * Adapts {@code executor}.
     *
     * @param executor the executor that runs the tasks; {@link #destroy()} shuts it down
     * @param decorator applied to every task before it is submitted, or {@code null}
     * @param shutdownTimeout how long {@link #destroy()} waits for accepted tasks before
     *     interrupting them
     * @throws NullPointerException if {@code executor} or {@code shutdownTimeout} is null
     * @throws IllegalArgumentException if {@code shutdownTimeout} is negative
     */
    public FearlessTaskExecutor(VirtualExecutor executor, @Nullable TaskDecorator decorator, Duration shutdownTimeout) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.decorator = decorator;
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        if (shutdownTimeout.isNegative()) {
            throw new IllegalArgumentException("shutdownTimeout must not be negative: " + shutdownTimeout);
        }
        this.shutdownTimeout = shutdownTimeout;
    }

    /**
     * Returns the executor that runs the tasks, for its counts and its policy.
     *
     * @return the virtual-thread executor
     */
    public VirtualExecutor virtualExecutor() {
        return executor;
    }

    /**
     * Runs {@code task} on a new virtual thread, subject to the limit policy.
     *
     * @param task the task
     * @throws NullPointerException if {@code task} is null
     * @throws TaskRejectedException if the executor refuses the task
     */
    @Override
    public void execute(Runnable task) {
        Runnable decorated = decorate(Objects.requireNonNull(task, "task"));
        try {
            executor.execute(decorated);
        } catch (RejectedExecutionException e) {
            throw rejected(task, e);
        }
    }

    /**
     * Runs {@code task} and returns its future; {@code cancel(true)} interrupts it.
     *
     * @param task the task
     * @return a future that completes when the task ends
     * @throws NullPointerException if {@code task} is null
     * @throws TaskRejectedException if the executor refuses the task
     */
    @Override
    public CompletableFuture<Void> submitCompletable(Runnable task) {
        Runnable decorated = decorate(Objects.requireNonNull(task, "task"));
        try {
            return executor.submit(() -> {
                decorated.run();
                return null;
            });
        } catch (RejectedExecutionException e) {
            throw rejected(task, e);
        }
    }

    /**
     * Runs {@code task} and returns its future, completed with the task's result or its exception
     * (not wrapped); {@code cancel(true)} interrupts it.
     *
     * @param task the task
     * @param <T> the result type
     * @return the task's future
     * @throws NullPointerException if {@code task} is null
     * @throws TaskRejectedException if the executor refuses the task
     */
    @Override
    public <T> CompletableFuture<T> submitCompletable(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        if (decorator == null) {
            try {
                return executor.submit(task);
            } catch (RejectedExecutionException e) {
                throw rejected(task, e);
            }
        }
        // A TaskDecorator wraps Runnables: carry the result out through the decorated Runnable.
        CompletableFuture<T> result = new CompletableFuture<>();
        CompletableFuture<Void> run = submitCompletable(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        run.whenComplete((ignored, failure) -> {
            // A decorator that threw, or returned without running the task, still ends the future.
            if (failure != null) {
                result.completeExceptionally(failure);
            } else if (!result.isDone()) {
                result.completeExceptionally(new IllegalStateException("the TaskDecorator " + decorator
                        + " returned without running the task " + task));
            }
        });
        result.whenComplete((value, failure) -> {
            if (result.isCancelled()) {
                run.cancel(true);
            }
        });
        return result;
    }

    /**
     * Runs {@code task}; see {@link #submitCompletable(Runnable)}.
     *
     * @param task the task
     * @return the task's future
     * @throws NullPointerException if {@code task} is null
     * @throws TaskRejectedException if the executor refuses the task
     */
    @Override
    public CompletableFuture<?> submit(Runnable task) {
        return submitCompletable(task);
    }

    /**
     * Runs {@code task}; see {@link #submitCompletable(Callable)}.
     *
     * @param task the task
     * @param <T> the result type
     * @return the task's future
     * @throws NullPointerException if {@code task} is null
     * @throws TaskRejectedException if the executor refuses the task
     */
    @Override
    public <T> CompletableFuture<T> submit(Callable<T> task) {
        return submitCompletable(task);
    }

    /**
     * Refuses new tasks, waits up to the shutdown timeout for the accepted ones, then interrupts
     * those still running. Returns with the interrupt status set if interrupted while waiting.
     */
    @Override
    public void destroy() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(TimeUnit.NANOSECONDS.convert(shutdownTimeout), TimeUnit.NANOSECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private Runnable decorate(Runnable task) {
        return decorator == null ? task : Objects.requireNonNull(decorator.decorate(task), "TaskDecorator returned null");
    }

    private TaskRejectedException rejected(Object task, RejectedExecutionException cause) {
        return new TaskRejectedException(executor + " did not accept task: " + task, cause);
    }

    @Override
    public String toString() {
        return "FearlessTaskExecutor[" + executor + "]";
    }
}
