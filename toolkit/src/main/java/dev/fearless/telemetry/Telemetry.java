package dev.fearless.telemetry;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The registry of {@link TelemetryListener}s that every Fearless component reports to.
 *
 * <p>With no listener registered, {@link #listener()} returns {@code null} and an event site costs
 * one volatile read and a null check; components also skip taking timestamps. With listeners
 * registered, events reach each of them in registration order; an exception thrown by a listener
 * is logged once per listener and otherwise ignored, so a faulty listener never breaks the
 * component that reported the event.
 *
 * <pre>{@code
 * try (Telemetry.Registration registration = Telemetry.register(myListener)) {
 *     runTheApplication();
 * } // myListener receives no further events
 * }</pre>
 *
 * <p>Component code reports an event like this:
 * <pre>{@code
 * TelemetryListener listener = Telemetry.listener();
 * if (listener != null) {
 *     listener.taskFinished(scopeName, Outcome.SUCCESS, System.nanoTime() - startNanos);
 * }
 * }</pre>
 *
 * <p>Memory consistency effects: actions in a thread prior to {@link #register} happen-before
 * the delivery of any event to that listener.
 */
public final class Telemetry {

    /*
     * Implementation overview: registrations are rare, events are hot. The current listener set
     * lives in one volatile field holding either null (nobody listens) or an immutable Dispatcher
     * over a copy of the registered listeners. Registration changes rebuild the Dispatcher under a
     * monitor and publish it with one volatile write; event sites never lock.
     */

    /** The name that unnamed components report under, so tag cardinality stays bounded. */
    public static final String DEFAULT_NAME = "default";

    private static final Object REGISTRATION_LOCK = new Object();
    private static final List<TelemetryListener> registered = new ArrayList<>(); // guarded by REGISTRATION_LOCK
    private static volatile @Nullable TelemetryListener current;

    private Telemetry() {}

    /**
     * Returns the listener that event sites report to, or {@code null} when none is registered.
     *
     * @return a dispatcher to every registered listener, or {@code null}
     */
    public static @Nullable TelemetryListener listener() {
        return current;
    }

    /**
     * Registers a listener; it receives every event reported from now until its registration is
     * closed. Registering the same listener twice delivers each event to it twice.
     *
     * @param listener the listener to add
     * @return the registration; close it to remove the listener
     * @throws NullPointerException if {@code listener} is null
     */
    public static Registration register(TelemetryListener listener) {
        Objects.requireNonNull(listener, "listener");
        Registration registration = new Registration(listener);
        synchronized (REGISTRATION_LOCK) {
            registered.add(listener);
            publish();
        }
        return registration;
    }

    /**
     * Returns {@code name}, or {@link #DEFAULT_NAME} when it is null.
     *
     * @param name a component's name, possibly absent
     * @return the name to report under
     */
    public static String nameOrDefault(@Nullable String name) {
        return name == null ? DEFAULT_NAME : name;
    }

    private static void unregister(TelemetryListener listener) {
        synchronized (REGISTRATION_LOCK) {
            registered.remove(listener); // removes one registration of a listener registered twice
            publish();
        }
    }

    private static void publish() {
        current = registered.isEmpty() ? null : new Dispatcher(registered);
    }

    /**
     * A listener's registration; {@link #close()} removes the listener. Closing twice has no
     * further effect.
     *
     * <pre>{@code
     * Telemetry.Registration registration = Telemetry.register(listener);
     * registration.close();
     * }</pre>
     */
    public static final class Registration implements AutoCloseable {
        private final TelemetryListener listener;
        private boolean closed; // guarded by REGISTRATION_LOCK

        private Registration(TelemetryListener listener) {
            this.listener = listener;
        }

        /** Removes the listener; it receives no event reported after this returns. */
        @Override
        public void close() {
            synchronized (REGISTRATION_LOCK) {
                if (!closed) {
                    closed = true;
                    unregister(listener);
                }
            }
        }
    }
}
