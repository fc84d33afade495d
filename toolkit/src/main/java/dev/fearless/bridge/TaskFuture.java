package dev.fearless.bridge;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The future of a task submitted to a {@link VirtualExecutor}: a {@link CompletableFuture} that
 * completes with the task's own result or exception (never wrapped) and whose
 * {@link #cancel(boolean) cancel(true)} interrupts the thread running the task.
 *
 * <p>Dependent stages ({@code thenApply}, ...) are plain {@code CompletableFuture}s: cancelling
 * one of them does not reach the task.
 */
final class TaskFuture<T> extends CompletableFuture<T> implements Runnable {

    /*
     * Implementation overview: this is the body an ExecutorTask runs. run() calls the callable on the
     * task's thread and completes the future; `threw` records whether the callable itself failed
     * (the future may also have been completed or cancelled from outside meanwhile) and is
     * written and read only by that thread. `task` is set once, before the future is returned to
     * the submitter, so cancel() always finds it.
     */

    private final Callable<T> callable;
    private final Object submitted; // what the caller gave: a Runnable or a Callable
    private @Nullable ExecutorTask task;
    private boolean threw;

    TaskFuture(Callable<T> callable, Object submitted) {
        this.callable = callable;
        this.submitted = submitted;
    }

    void bind(ExecutorTask task) {
        this.task = task;
    }

    @Override
    public void run() {
        try {
            complete(callable.call());
        } catch (Throwable failure) {
            threw = true;
            completeExceptionally(failure);
        }
    }

    /** Whether the callable threw; read by the task's thread after {@link #run()}. */
    boolean threw() {
        return threw;
    }

    /**
     * Cancels this future. A task that has not started never will; with
     * {@code mayInterruptIfRunning} a running task's thread is interrupted.
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        ExecutorTask bound = task;
        if (cancelled && bound != null) {
            bound.cancelled(mayInterruptIfRunning);
        }
        return cancelled;
    }

    /** Cancels without calling back into the task: the executor withdrew it or it never started. */
    void withdraw() {
        super.cancel(false);
    }

    /** The task in the form the caller submitted it, as {@code shutdownNow()} returns it. */
    Runnable submittedForm() {
        return submitted instanceof Runnable runnable ? runnable : VirtualExecutor.asRunnable(callable);
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }
}
