package dev.fearless.lock;

import dev.fearless.telemetry.Outcome;
import dev.fearless.telemetry.Telemetry;
import dev.fearless.telemetry.TelemetryListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records lock events as strings; register it with {@link #register()} and close the registration. */
final class RecordingListener implements TelemetryListener {

    final List<String> events = new CopyOnWriteArrayList<>();
    final List<Long> waits = new CopyOnWriteArrayList<>();
    final List<String> reports = new CopyOnWriteArrayList<>();
    final List<List<String>> cycles = new CopyOnWriteArrayList<>();

    Telemetry.Registration register() {
        return Telemetry.register(this);
    }

    @Override
    public void lockAcquired(String lock, long waitNanos, boolean contended) {
        events.add("acquired " + lock + (contended ? " contended" : ""));
        waits.add(waitNanos);
    }

    @Override
    public void lockReleased(String lock, long heldNanos) {
        events.add("released " + lock + (heldNanos >= 0 ? "" : " negative"));
    }

    @Override
    public void lockAbandoned(String lock, Outcome outcome, long waitNanos) {
        events.add("abandoned " + lock + " " + outcome.tag());
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

    List<String> events(String prefix) {
        return events.stream().filter(e -> e.startsWith(prefix)).toList();
    }
}
