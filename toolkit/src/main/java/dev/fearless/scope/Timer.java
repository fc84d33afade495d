package dev.fearless.scope;

import dev.fearless.internal.Durations;
import dev.fearless.internal.TimeSource;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/**
 * The body of a task forked by {@link Scope#schedule(Duration, Callable)},
 * {@link Scope#scheduleAtFixedRate} or {@link Scope#scheduleWithFixedDelay}: the task's own thread
 * sleeps until the work is due, runs it, and for a periodic timer sleeps again. No scheduler
 * thread, no queue.
 */
final class Timer implements Callable<@Nullable Object> {

    /*
     * Implementation overview. `period` encodes the kind, as in ScheduledThreadPoolExecutor: 0 runs
     * once, > 0 is a fixed rate (next due = previous due + period, so no drift accumulates), < 0 a
     * fixed delay (next due = end of run + -period). Cancellation (Task.cancel, the scope's cancel,
     * join stopping its daemons, close) CASes the task to CANCELLED and then interrupts the thread:
     * the sleep throws InterruptedException, which ends the task (its outcome is already
     * CANCELLED, so the exception is discarded). A run that swallows the interrupt is caught by the
     * state check before the next sleep. Delays are clamped to Long.MAX_VALUE >> 2 nanoseconds
     * (about 36 years) so that due times never overflow.
     */


    private final Object work;                     // Callable (runs once) or Runnable
    private final long initialDelay;
    private final long period;

    Timer(Object work, long initialDelay, long period) {
        this.work = work;
        this.initialDelay = initialDelay;
        this.period = period;
    }

    static long delayNanos(Duration delay, String name) {
        return Durations.toNanosSaturated(delay, name);
    }

    static long periodNanos(Duration period, String name) {
        Objects.requireNonNull(period, name);
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + period);
        }
        return Math.max(1L, Durations.toNanosSaturated(period, name));
    }

    @Override
    public @Nullable Object call() throws Exception {
        ScopeTask<?> self = Objects.requireNonNull(ScopeTask.currentOrNull());
        long due = TimeSource.nanoTime() + initialDelay;
        sleepUntil(due);
        if (period == 0) {
            if (work instanceof Callable<?> callable) {
                return callable.call();
            }
            ((Runnable) work).run();
            return null;
        }
        Runnable runnable = (Runnable) work;
        while (self.isRunning()) {
            runnable.run();
            due = period > 0 ? due + period : TimeSource.nanoTime() - period;
            if (!self.isRunning()) {
                break;                             // cancelled during a run that swallowed the interrupt
            }
            sleepUntil(due);
        }
        return null;                               // the task is CANCELLED: this value is discarded
    }

    private void sleepUntil(long due) throws InterruptedException {
        long remaining = due - TimeSource.nanoTime();
        while (remaining > 0) {                    // a park, not a sleep: through the time source
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            TimeSource.parkNanos(this, remaining);
            remaining = due - TimeSource.nanoTime();
        }
        if (Thread.interrupted()) {                // due already: still honour a pending cancellation
            throw new InterruptedException();
        }
    }

    @Override
    public String toString() {
        String kind = period == 0 ? "once" : period > 0 ? "every " + period + " ns" : "with delay " + -period + " ns";
        return "Timer[" + kind + ", " + work + "]";
    }
}
