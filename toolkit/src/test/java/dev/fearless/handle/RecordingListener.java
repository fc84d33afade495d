package dev.fearless.handle;

import dev.fearless.telemetry.Telemetry;
import dev.fearless.telemetry.TelemetryListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records handle events as strings; register it with {@link #register()} and close the registration. */
final class RecordingListener implements TelemetryListener {

    final List<String> events = new CopyOnWriteArrayList<>();

    Telemetry.Registration register() {
        return Telemetry.register(this);
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
    public void lockAcquired(String lock, long waitNanos, boolean contended) {
        events.add("acquired " + lock);
    }
}
