package dev.fearless.internal;

import dev.fearless.telemetry.TelemetryListener;

/**
 * A component's telemetry binding: the handle a listener returned for it, with the listener it
 * came from. Components keep one in a plain field and rebind when {@code Telemetry.listener()} is
 * no longer {@link #listener}: the holder is immutable (final fields), so a racy read sees either
 * a whole old binding or a whole new one, and a lost race only binds twice.
 *
 * @param <H> the handle type
 */
public final class Bound<H> {
    /** The listener (the dispatcher) the handle was bound with. */
    public final TelemetryListener listener;
    /** The handle. */
    public final H handle;

    /**
     * Creates a binding.
     *
     * @param listener the listener the handle was bound with
     * @param handle the handle
     */
    public Bound(TelemetryListener listener, H handle) {
        this.listener = listener;
        this.handle = handle;
    }
}
