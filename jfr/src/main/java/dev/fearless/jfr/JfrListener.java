package dev.fearless.jfr;

import dev.fearless.telemetry.Outcome;
import dev.fearless.telemetry.TelemetryListener;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Turns telemetry events into JFR events. Each method creates its event object first and fills it
 * only when a recording has the type enabled: with no recording running the cost is one
 * allocation that escape analysis removes and one branch.
 */
final class JfrListener implements TelemetryListener {

    @Override
    public void scopeClosed(String scope, Outcome outcome, long durationNanos) {
        Events.ScopeClosed event = new Events.ScopeClosed();
        if (event.isEnabled()) {
            event.scope = scope;
            event.outcome = outcome.tag();
            event.openTime = durationNanos;
            event.commit();
        }
    }

    @Override
    public void taskFinished(String scope, Outcome outcome, long durationNanos) {
        Events.TaskRun event = new Events.TaskRun();
        if (event.isEnabled()) {
            event.scope = scope;
            event.outcome = outcome.tag();
            event.runTime = durationNanos;
            event.commit();
        }
    }

    @Override
    public void lockAcquired(String lock, @Nullable String lockClass, long waitNanos, boolean contended) {
        lockWait(lock, lockClass, true, Outcome.SUCCESS, contended, waitNanos);
    }

    @Override
    public void lockAbandoned(String lock, @Nullable String lockClass, Outcome outcome, long waitNanos) {
        lockWait(lock, lockClass, false, outcome, true, waitNanos);
    }

    private static void lockWait(String lock, @Nullable String lockClass, boolean acquired, Outcome outcome,
            boolean contended, long waitNanos) {
        Events.LockWait event = new Events.LockWait();
        if (event.isEnabled()) {
            event.lock = lock;
            event.lockClass = lockClass;
            event.acquired = acquired;
            event.outcome = outcome.tag();
            event.contended = contended;
            event.waitTime = waitNanos;
            event.commit();
        }
    }

    @Override
    public void lockReleased(String lock, @Nullable String lockClass, long heldNanos) {
        Events.LockHold event = new Events.LockHold();
        if (event.isEnabled()) {
            event.lock = lock;
            event.lockClass = lockClass;
            event.holdTime = heldNanos;
            event.commit();
        }
    }

    @Override
    public void lockOrderViolation(List<String> cycle, String report) {
        Events.LockOrderViolation event = new Events.LockOrderViolation();
        if (event.isEnabled()) {
            event.cycle = String.join(" -> ", cycle);
            event.report = report;
            event.commit();
        }
    }

    @Override
    public void deadlockDetected(List<String> cycle, String report) {
        Events.Deadlock event = new Events.Deadlock();
        if (event.isEnabled()) {
            event.cycle = String.join(" -> ", cycle);
            event.report = report;
            event.commit();
        }
    }

    @Override
    public void channelSent(String channel, long blockedNanos) {
        channelBlocked(channel, "send", blockedNanos);
    }

    @Override
    public void channelReceived(String channel, long blockedNanos) {
        channelBlocked(channel, "receive", blockedNanos);
    }

    private static void channelBlocked(String channel, String operation, long blockedNanos) {
        if (blockedNanos <= 0) {
            return; // completed without blocking: not a blocked operation at any threshold
        }
        Events.ChannelBlocked event = new Events.ChannelBlocked();
        if (event.isEnabled()) {
            event.channel = channel;
            event.operation = operation;
            event.blockedTime = blockedNanos;
            event.commit();
        }
    }

    @Override
    public void executorStarted(String executor, long waitNanos) {
        Events.ExecutorAdmission event = new Events.ExecutorAdmission();
        if (event.isEnabled()) {
            event.executor = executor;
            event.waitTime = waitNanos;
            event.commit();
        }
    }

    @Override
    public void handlePoisoned(String handle) {
        Events.HandlePoisoned event = new Events.HandlePoisoned();
        if (event.isEnabled()) {
            event.handle = handle;
            event.commit();
        }
    }
}
