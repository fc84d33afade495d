package dev.fearless.telemetry;

import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans each event out to an immutable array of listeners, isolating the component from listener
 * failures: a listener's exception is logged (in full the first time, then at debug level) and
 * the remaining listeners still receive the event.
 */
final class Dispatcher implements TelemetryListener {

    private static final Logger log = LoggerFactory.getLogger(Telemetry.class);

    private final TelemetryListener[] listeners;
    private final boolean[] failedBefore; // benign race: at worst a failure is logged twice

    Dispatcher(List<TelemetryListener> listeners) {
        this.listeners = listeners.toArray(TelemetryListener[]::new);
        this.failedBefore = new boolean[this.listeners.length];
    }

    private void each(Consumer<TelemetryListener> event) {
        for (int i = 0; i < listeners.length; i++) {
            try {
                event.accept(listeners[i]);
            } catch (Throwable failure) {
                if (failure instanceof VirtualMachineError vmError) {
                    throw vmError;
                }
                if (!failedBefore[i]) {
                    failedBefore[i] = true;
                    log.warn("Telemetry listener {} threw; its later failures are logged at debug level",
                            listeners[i], failure);
                } else {
                    log.debug("Telemetry listener {} threw again", listeners[i], failure);
                }
            }
        }
    }

    @Override public void scopeOpened(String scope) { each(l -> l.scopeOpened(scope)); }
    @Override public void scopeClosed(String scope, Outcome outcome, long durationNanos) { each(l -> l.scopeClosed(scope, outcome, durationNanos)); }
    @Override public void taskForked(String scope) { each(l -> l.taskForked(scope)); }
    @Override public void taskFinished(String scope, Outcome outcome, long durationNanos) { each(l -> l.taskFinished(scope, outcome, durationNanos)); }

    @Override public void lockAcquired(String lock, long waitNanos, boolean contended) { each(l -> l.lockAcquired(lock, waitNanos, contended)); }
    @Override public void lockReleased(String lock, long heldNanos) { each(l -> l.lockReleased(lock, heldNanos)); }
    @Override public void lockAbandoned(String lock, Outcome outcome, long waitNanos) { each(l -> l.lockAbandoned(lock, outcome, waitNanos)); }
    @Override public void lockOrderViolation(List<String> cycle, String report) { each(l -> l.lockOrderViolation(cycle, report)); }
    @Override public void deadlockDetected(List<String> cycle, String report) { each(l -> l.deadlockDetected(cycle, report)); }

    @Override public void channelCreated(ChannelState channel) { each(l -> l.channelCreated(channel)); }
    @Override public void channelSent(String channel, long blockedNanos) { each(l -> l.channelSent(channel, blockedNanos)); }
    @Override public void channelReceived(String channel, long blockedNanos) { each(l -> l.channelReceived(channel, blockedNanos)); }
    @Override public void channelClosed(String channel, Outcome outcome, int discarded) { each(l -> l.channelClosed(channel, outcome, discarded)); }

    @Override public void handlePoisoned(String handle) { each(l -> l.handlePoisoned(handle)); }
    @Override public void handleLeaked(String handle, String kind) { each(l -> l.handleLeaked(handle, kind)); }

    @Override public void executorCreated(ExecutorState executor) { each(l -> l.executorCreated(executor)); }
    @Override public void executorSubmitted(String executor) { each(l -> l.executorSubmitted(executor)); }
    @Override public void executorRejected(String executor) { each(l -> l.executorRejected(executor)); }
    @Override public void executorStarted(String executor, long waitNanos) { each(l -> l.executorStarted(executor, waitNanos)); }
    @Override public void executorFinished(String executor, Outcome outcome, long runNanos) { each(l -> l.executorFinished(executor, outcome, runNanos)); }

    @Override
    public String toString() {
        return "Dispatcher" + List.of(listeners);
    }
}
