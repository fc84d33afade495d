package dev.fearless.test;

import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * One controlled virtual thread of a schedule, and its scheduler: the JDK hands this executor the
 * thread's continuation each time the thread becomes runnable (start, unpark, yield).
 */
final class Controlled implements Executor {

    final Run run;
    /** Creation order in the schedule: 0 is {@code main}. */
    final int index;
    final String name;
    @Nullable Thread thread;
    /** The continuation to run next; set by the JDK through {@link #execute}. */
    @Nullable Runnable continuation;
    /**
     * Runnable and not running: {@link #continuation} may be run. Written by the carrier; volatile
     * because the driver also reads it while it waits for a wake-up from outside the model.
     */
    volatile boolean ready;
    /** The thread was started (its first continuation was submitted). Touched by the carrier only. */
    boolean started;
    /** The thread's task has returned or thrown. */
    volatile boolean done;
    /** The label of the scheduling point the thread stopped at, until the step is recorded. */
    @Nullable String label;
    /** Whether {@link #label} names a toolkit operation ({@code Channel[orders].send}), not a user point. */
    boolean toolkitPoint;
    /** PCT priority. */
    int priority;
    /** Whether the thread is in a timed park on virtual time; touched on the carrier only. */
    boolean timed;
    /** Virtual-time deadline of that park (a {@code nanoTime} value: compare by subtraction). */
    long wakeAt;
    /** Registration order of that timed park: ties at one instant wake in this order (all at once). */
    long timerSeq;

    Controlled(Run run, int index, String name) {
        this.run = run;
        this.index = index;
        this.name = name;
    }

    @Override
    public void execute(Runnable continuation) {
        run.submit(this, continuation);
    }

    Thread thread() {
        return java.util.Objects.requireNonNull(thread);
    }

    @Override
    public String toString() {
        return name;
    }
}
