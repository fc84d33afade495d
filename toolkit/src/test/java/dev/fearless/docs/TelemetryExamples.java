package dev.fearless.docs;

import dev.fearless.telemetry.TelemetryListener;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

/**
 * The names the Javadoc examples of {@code dev.fearless.telemetry} take for granted. It is a
 * {@link TelemetryListener} itself, so that examples which override one of its events compile as
 * the body of a listener.
 */
@SuppressWarnings("unused")
public abstract class TelemetryExamples implements TelemetryListener {

    protected final List<WeakReference<Object>> gauges = new ArrayList<>();
    protected final TelemetryListener listener = new TelemetryListener() {};
    protected final TelemetryListener myListener = new TelemetryListener() {};
    protected final String scopeName = "checkout";
    protected final long startNanos = System.nanoTime();
    protected final long elapsedNanos = 1_000;

    protected void runTheApplication() {}
}
