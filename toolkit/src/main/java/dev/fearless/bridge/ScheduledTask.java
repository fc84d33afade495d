package dev.fearless.bridge;

import dev.fearless.context.ContextSnapshot;
import dev.fearless.internal.TimeSource;
import dev.fearless.telemetry.Outcome;
import dev.fearless.telemetry.TelemetryListener;
import dev.fearless.telemetry.Telemetry;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * A delayed or periodic task of a {@link VirtualExecutor}: its own thread sleeps until the task
 * is due, runs it, and for a periodic task sleeps again. The future completes with the result of
 * a one-shot task, exceptionally with the failure of any run (which ends a periodic task), or is
 * cancelled.
 */
final class ScheduledTask<V> extends CompletableFuture<V> implements ScheduledFuture<V>, Runnable {

    /*
     * Implementation overview. One thread per timer, parked with LockSupport.parkNanos until
     * `due`; no scheduler thread and no queue. `period` encodes the kind as in
     * ScheduledThreadPoolExecutor: 0 one-shot, > 0 fixed rate, < 0 fixed delay (its negation).
     *
     * `state` moves NEW -> RUNNING -> IDLE -> RUNNING -> ... and NEW -> WITHDRAWN (shutdownNow
     * withdraws a timer that never ran; the CAS from NEW decides exactly once between running and
     * being listed as never started). Cancellation is the future's own completion:
     *  - the timer thread sets RUNNING and then checks isDone(); cancel() completes the future
     *    and then reads `state`. Both are volatile, so either the thread sees the cancellation
     *    and skips the run, or cancel() sees RUNNING and, for cancel(false), leaves the run alone;
     *  - a timer that is not running (sleeping, or waiting for a permit) is woken by an interrupt
     *    and, finding the future done, ends. An interrupt that nobody sent through cancel() also
     *    ends the timer (it cancels itself), so the thread never spins on a set interrupt status.
     * Each run is counted by the executor as one task: submitted when it holds a permit and
     * starts, then completed or failed. The timer itself is not counted; it lives in the
     * executor's timer set and, as a thread of its container, keeps close() waiting until it
     * ends.
     */

    private static final int NEW = 0;
    private static final int IDLE = 1;
    private static final int RUNNING = 2;
    private static final int WITHDRAWN = 3;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(ScheduledTask.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final VirtualExecutor executor;
    private final Callable<V> callable;
    private final Object submitted; // the caller's Runnable or Callable
    private final ContextSnapshot context;
    private final long period;
    private volatile long due;
    private volatile @Nullable Thread thread; // the timer's thread, once it started
    private volatile int state;

    // one run's outcome, written and read by the timer thread only
    private @Nullable V result;
    private @Nullable Throwable failure;
    private int calls; // how often the context snapshot ran this run's body

    ScheduledTask(VirtualExecutor executor, Callable<V> callable, Object submitted, ContextSnapshot context,
            long due, long period) {
        this.executor = executor;
        this.callable = callable;
        this.submitted = submitted;
        this.context = context;
        this.due = due;
        this.period = period;
    }

    /**
     * Returns when the run after one that was due at {@code previousDue} and ended at
     * {@code runEnd} is due: fixed rate counts from the previous due time, so a late run is
     * followed by the next without a pause until the schedule is caught up; fixed delay counts
     * from the end of the run.
     */
    static long nextDue(long period, long previousDue, long runEnd) {
        return period > 0 ? previousDue + period : runEnd - period;
    }

    boolean isPeriodic() {
        return period != 0;
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        try {
            while (sleepUntilDue() && runOnce()) {
                due = nextDue(period, due, TimeSource.nanoTime());
            }
        } finally {
            executor.timerEnded(this);
        }
    }

    /** Parks until due; false when the timer was cancelled, withdrawn or interrupted meanwhile. */
    private boolean sleepUntilDue() {
        for (;;) {
            if (Thread.interrupted()) {
                super.cancel(false); // an interrupt of the timer's thread cancels the timer
            }
            if (isDone() || state == WITHDRAWN) {
                return false;
            }
            long remaining = due - TimeSource.nanoTime();
            if (remaining <= 0) {
                return true;
            }
            TimeSource.parkNanos(this, remaining);
        }
    }

    /** Runs the task once if the limit admits it; true when a periodic timer goes on. */
    private boolean runOnce() {
        TelemetryListener listener = Telemetry.listener();
        int permit = executor.acquireForTimer();
        if (permit == VirtualExecutor.INTERRUPTED) {
            super.cancel(false);
            return false;
        }
        if (permit != VirtualExecutor.ACQUIRED) {
            TaskRejectedException refused;
            try {
                refused = executor.rejectRun(permit, listener);
            } catch (Throwable listenerFailure) { // a listener's VirtualMachineError: the timer still ends
                completeExceptionally(listenerFailure);
                throw listenerFailure;
            }
            completeExceptionally(refused);
            return false;
        }
        int previous = state;
        if (previous == WITHDRAWN || !STATE.compareAndSet(this, previous, RUNNING)) {
            executor.releasePermit();
            return false;
        }
        if (isDone()) {
            state = previous;
            executor.releasePermit();
            return false;
        }
        long startNanos;
        try {
            startNanos = executor.timerRunStarted(listener, due);
        } catch (Throwable listenerFailure) { // a listener's VirtualMachineError: this run does not happen
            state = IDLE;
            completeExceptionally(listenerFailure);
            executor.timerRunEnded(listener, Outcome.FAILURE, 0L);
            throw listenerFailure;
        }
        failure = null;
        calls = 0;
        try {
            context.runWith(this::callOnce);
        } catch (Throwable thrown) {
            failure = thrown; // the context, not the task, failed
        }
        if (failure == null && calls == 0) {
            failure = new IllegalStateException("the context snapshot of " + this + " returned without"
                    + " running the task; a ContextSnapshot must run its body exactly once");
        }
        state = IDLE;
        Throwable thrown = failure;
        Outcome outcome = isCancelled() ? Outcome.CANCELLED : thrown == null ? Outcome.SUCCESS : Outcome.FAILURE;
        if (outcome == Outcome.FAILURE) {
            completeExceptionally(thrown);
            if (isPeriodic()) {
                VirtualExecutor.reportUncaught(thrown); // nobody reads a periodic task's result
            }
        } else if (outcome == Outcome.SUCCESS && !isPeriodic()) {
            complete(result);
        }
        result = null;
        try {
            executor.timerRunEnded(listener, outcome, startNanos);
        } catch (Throwable listenerFailure) { // a listener's VirtualMachineError, after the counts: the timer ends
            completeExceptionally(listenerFailure);
            throw listenerFailure;
        }
        if (isDone()) {
            return false;
        }
        if (executor.isShutdown()) {
            super.cancel(false); // periodic tasks stop with their executor
            return false;
        }
        return true;
    }

    private void callOnce() {
        if (++calls > 1) {
            throw new IllegalStateException(this + " was run again by its context snapshot; a ContextSnapshot"
                    + " must run its body exactly once");
        }
        try {
            result = callable.call();
        } catch (Throwable thrown) {
            failure = thrown;
        }
    }

    /**
     * Cancels the timer: it runs no more. {@code cancel(false)} lets a run in progress finish;
     * {@code cancel(true)} interrupts it.
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled && (mayInterruptIfRunning || state != RUNNING)) {
            Thread timer = thread;
            if (timer != null) {
                timer.interrupt(); // wakes a sleeping timer, or stops the run in progress
            } // else it has not started, and will find itself cancelled
        }
        return cancelled;
    }

    /** Called once by {@link VirtualExecutor#shutdown()}: a periodic timer stops. */
    void onShutdown() {
        if (isPeriodic()) {
            cancel(false);
        }
    }

    /**
     * Called by {@link VirtualExecutor#shutdownNow()}: a timer that never ran is withdrawn and
     * listed in {@code neverStarted}; any other is cancelled with an interrupt.
     */
    void stop(List<Runnable> neverStarted) {
        if (STATE.compareAndSet(this, NEW, WITHDRAWN)) {
            super.cancel(false);
            neverStarted.add(submitted instanceof Runnable runnable ? runnable : VirtualExecutor.asRunnable(callable));
        } else {
            cancel(true);
        }
    }

    @Override
    public long getDelay(TimeUnit unit) {
        return unit.convert(due - TimeSource.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
        if (other == this) {
            return 0;
        }
        if (other instanceof ScheduledTask<?> timer) {
            return Long.signum(due - timer.due);
        }
        return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }

    @Override
    public String toString() {
        String kind = period == 0 ? "once" : period > 0 ? "every " + period + " ns" : "with delay " + -period + " ns";
        return super.toString() + "[" + kind + ", due in " + getDelay(TimeUnit.NANOSECONDS) + " ns]";
    }
}
