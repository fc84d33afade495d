package dev.fearless.bridge;

import dev.fearless.context.ContextSnapshot;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One accepted task of a {@link VirtualExecutor}: the body of the one thread that runs it.
 */
final class ExecutorTask implements Runnable {

    /*
     * Implementation overview: `state` moves NEW -> RUNNING (by the task's own thread, once it
     * holds a permit), or NEW -> WITHDRAWN (by a cancel of its future, by shutdownNow, or by an
     * interrupt of its wait for a permit), in which case the body never runs. The CASes from NEW
     * decide exactly once whether the task runs, so a withdrawn task appears in at most one
     * shutdownNow list and is never also run. Only a task with a future, or one that registered
     * as a waiter, can be withdrawn; any other skips the claiming CAS (see claim()).
     *
     * `thread` is published by the task's thread with a release store first thing: a canceller
     * that reads RUNNING (written by the claiming CAS, after that store) also sees the thread.
     * A task about to park for a permit stores `thread` again with a volatile write, then reads
     * `state`; a canceller CASes `state`, then reads `thread`. Both sides are sequentially
     * consistent, so either the task sees WITHDRAWN and does not park, or the canceller sees the
     * thread and interrupts it (Dekker). There is no DONE state: a thread runs one task and then
     * ends, so an interrupt that arrives after the body lands in bookkeeping that never blocks
     * and cannot reach another task.
     */

    private static final int NEW = 0;
    private static final int RUNNING = 1;
    private static final int WITHDRAWN = 2;

    private static final VarHandle STATE;
    private static final VarHandle THREAD;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(ExecutorTask.class, "state", int.class);
            THREAD = lookup.findVarHandle(ExecutorTask.class, "thread", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final VirtualExecutor executor;
    final Runnable body; // the submitted Runnable, or a TaskFuture
    final ContextSnapshot context;
    final long acceptedNanos; // System.nanoTime() at submission if a listener was present, else 0
    private volatile @Nullable Thread thread;
    private volatile int state;
    private int phase = START; // START -> BODY -> FINISHED, on the task's thread

    private static final int START = 0;
    private static final int BODY = 1;
    private static final int FINISHED = 2;

    ExecutorTask(VirtualExecutor executor, Runnable body, ContextSnapshot context, long acceptedNanos) {
        this.executor = executor;
        this.body = body;
        this.context = context;
        this.acceptedNanos = acceptedNanos;
    }

    /**
     * The task's thread runs this once (START); the context snapshot then runs it as the body
     * (BODY), at most once: a snapshot that calls its body again is refused, and one that never
     * calls it leaves {@link #bodyRan()} false. Written and read by the task's thread only.
     */
    @Override
    public void run() {
        switch (phase) {
            case START -> {
                phase = BODY;
                THREAD.setRelease(this, Thread.currentThread());
                executor.runTask(this);
            }
            case BODY -> {
                phase = FINISHED;
                body.run();
            }
            default -> throw new IllegalStateException(this + " has already run: a ContextSnapshot must run its"
                    + " body exactly once, and a ThreadFactory must start a thread that runs its Runnable once");
        }
    }

    /** Runs the body inside the captured context, at most once (see {@link #run()}). */
    void runInContext() {
        if (context == ContextSnapshot.EMPTY) {
            run();
        } else {
            context.runWith(this);
        }
    }

    /** Whether the body was run; read by the task's thread after {@link #runInContext()}. */
    boolean bodyRan() {
        return phase == FINISHED;
    }

    /**
     * Claims the task for running; false when it was withdrawn first. A task without a future
     * that never waited as a registered waiter cannot be withdrawn, so it needs no CAS.
     */
    boolean claim(boolean waited) {
        return !(waited || body instanceof TaskFuture<?>) || STATE.compareAndSet(this, NEW, RUNNING);
    }

    /** Before parking for a permit: publishes the thread (volatile), then reads whether it was withdrawn. */
    boolean parkingWithdrawn() {
        thread = Thread.currentThread();
        return state == WITHDRAWN;
    }

    boolean isWithdrawn() {
        return state == WITHDRAWN;
    }

    /** The task will not run (withdrawn, or its wait for a permit was interrupted): cancel its future. */
    void abandon() {
        STATE.compareAndSet(this, NEW, WITHDRAWN);
        if (body instanceof TaskFuture<?> future) {
            future.withdraw();
        }
    }

    /** Called after the task's future was cancelled. */
    void cancelled(boolean mayInterruptIfRunning) {
        if (STATE.compareAndSet(this, NEW, WITHDRAWN)) {
            Thread running = thread;
            if (running != null) {
                executor.wakeIfWaitingForPermit(running);
            }
        } else if (mayInterruptIfRunning && state == RUNNING) {
            Thread running = thread;
            if (running != null) {
                running.interrupt();
            }
        }
    }

    /** For shutdownNow: withdraws the task if it has not started, and lists it as submitted. */
    void withdraw(List<Runnable> neverStarted) {
        if (STATE.compareAndSet(this, NEW, WITHDRAWN)) {
            if (body instanceof TaskFuture<?> future) {
                future.withdraw();
                neverStarted.add(future.submittedForm());
            } else {
                neverStarted.add(body);
            }
        }
    }

    @Override
    public String toString() {
        return "ExecutorTask[" + body + "]";
    }
}
