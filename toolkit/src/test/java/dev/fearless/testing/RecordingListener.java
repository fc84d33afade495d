package dev.fearless.testing;

import dev.fearless.telemetry.ChannelState;
import dev.fearless.telemetry.ExecutorState;
import dev.fearless.telemetry.Outcome;
import dev.fearless.telemetry.Telemetry;
import dev.fearless.telemetry.TelemetryListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records every telemetry event as a string ({@code "acquired a"}, {@code "closed s success"}, ...),
 * plus the lock waits, the cycles and reports of order violations and deadlocks, and every duration;
 * register it with {@link #register()} and close the registration.
 */
public final class RecordingListener implements TelemetryListener {

    /** Every event, in the order they arrived. */
    public final List<String> events = new CopyOnWriteArrayList<>();
    /** The wait of every lock acquisition. */
    public final List<Long> waits = new CopyOnWriteArrayList<>();
    /** The report of every order violation and deadlock. */
    public final List<String> reports = new CopyOnWriteArrayList<>();
    /** The cycle of every order violation and deadlock. */
    public final List<List<String>> cycles = new CopyOnWriteArrayList<>();
    /** Every duration, wait or blocked time reported (none may be negative). */
    public final List<Long> durations = new CopyOnWriteArrayList<>();

    /** Registers this listener; close the registration to stop recording. */
    public Telemetry.Registration register() {
        return Telemetry.register(this);
    }

    /** The events that start with {@code prefix}. */
    public List<String> events(String prefix) {
        return events.stream().filter(e -> e.startsWith(prefix)).toList();
    }

    @Override
    public void scopeOpened(String scope) {
        events.add("opened " + scope);
    }

    @Override
    public void scopeClosed(String scope, Outcome outcome, long durationNanos) {
        events.add("closed " + scope + " " + outcome.tag());
        durations.add(durationNanos);
    }

    @Override
    public void taskForked(String scope) {
        events.add("forked " + scope);
    }

    @Override
    public void taskFinished(String scope, Outcome outcome, long durationNanos) {
        events.add("finished " + scope + " " + outcome.tag());
        durations.add(durationNanos);
    }

    @Override
    public void lockAcquired(String lock, long waitNanos, boolean contended) {
        events.add("acquired " + lock + (contended ? " contended" : ""));
        waits.add(waitNanos);
        durations.add(waitNanos);
    }

    @Override
    public void lockReleased(String lock, long heldNanos) {
        events.add("released " + lock + (heldNanos >= 0 ? "" : " negative"));
        durations.add(heldNanos);
    }

    @Override
    public void lockAbandoned(String lock, Outcome outcome, long waitNanos) {
        events.add("abandoned " + lock + " " + outcome.tag());
        durations.add(waitNanos);
    }

    @Override
    public void lockOrderViolation(List<String> cycle, String report) {
        events.add("violation " + cycle);
        cycles.add(cycle);
        reports.add(report);
    }

    @Override
    public void deadlockDetected(List<String> cycle, String report) {
        events.add("deadlock " + cycle);
        cycles.add(cycle);
        reports.add(report);
    }

    @Override
    public void channelCreated(ChannelState channel) {
        events.add("channel created " + channel.name());
    }

    @Override
    public void channelSent(String channel, long blockedNanos) {
        events.add("sent " + channel);
        durations.add(blockedNanos);
    }

    @Override
    public void channelReceived(String channel, long blockedNanos) {
        events.add("received " + channel);
        durations.add(blockedNanos);
    }

    @Override
    public void channelClosed(String channel, Outcome outcome, int discarded) {
        events.add("channel closed " + channel + " " + outcome.tag() + " " + discarded);
    }

    @Override
    public void handlePoisoned(String handle) {
        events.add("poisoned " + handle);
    }

    @Override
    public void handleLeaked(String handle, String kind) {
        events.add("leaked " + handle + " " + kind);
    }

    @Override
    public void executorCreated(ExecutorState executor) {
        events.add("executor created " + executor.name());
    }

    @Override
    public void executorSubmitted(String executor) {
        events.add("submitted " + executor);
    }

    @Override
    public void executorRejected(String executor) {
        events.add("rejected " + executor);
    }

    @Override
    public void executorStarted(String executor, long waitNanos) {
        events.add("started " + executor);
        durations.add(waitNanos);
    }

    @Override
    public void executorFinished(String executor, Outcome outcome, long runNanos) {
        events.add("executor finished " + executor + " " + outcome.tag());
        durations.add(runNanos);
    }
}
