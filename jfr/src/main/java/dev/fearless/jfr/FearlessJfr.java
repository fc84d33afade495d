package dev.fearless.jfr;

import dev.fearless.telemetry.Telemetry;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.jfr.Configuration;
import jdk.jfr.FlightRecorder;

/**
 * Records Fearless events in the JDK Flight Recorder: scopes closed and tasks run, lock waits
 * and holds, blocked channel sends and receives, executor admission waits, lock-order violations,
 * deadlocks and poisoned handles, as {@code dev.fearless.*} events in the "Fearless" category.
 *
 * <p>The events are disabled by default and cost one branch each while no recording enables them.
 * The configuration this module ships, {@link #CONFIGURATION} ({@code fearless.jfc}), enables them
 * all with thresholds in the style of the JDK's own events (20 ms for waits, holds and blocked
 * channel operations). Each event also has a {@code minDuration} setting: the JDK's
 * {@code threshold} cannot be used, because the listener learns an event's time only after the
 * fact, so the time is a field and {@code minDuration} filters on it.
 *
 * <pre>{@code
 * try (FearlessJfr jfr = FearlessJfr.register();
 *      Recording recording = new Recording(FearlessJfr.configuration())) {
 *     recording.start();
 *     // ... run the service; then
 *     recording.dump(Path.of("fearless.jfr"));   // jfr print --categories Fearless fearless.jfr
 * }
 * }</pre>
 *
 * <p>From the command line: {@code java -XX:StartFlightRecording:settings=default,settings=fearless.jfc ...}
 * with the file from the module's resources ({@code dev/fearless/jfr/fearless.jfc}), or any
 * recording started from JDK Mission Control with the events enabled there.
 *
 * <p>One registration at a time: a second {@link #register()} before the first is closed would
 * record every event twice, so it throws.
 */
public final class FearlessJfr implements AutoCloseable {

    /** The name of the shipped JFR configuration resource, relative to this class. */
    public static final String CONFIGURATION = "fearless.jfc";

    private static final AtomicBoolean REGISTERED = new AtomicBoolean();

    private final Telemetry.Registration registration;
    private final AtomicBoolean closed = new AtomicBoolean();

    private FearlessJfr(Telemetry.Registration registration) {
        this.registration = registration;
    }

    /**
     * Registers the event types with the flight recorder (so recordings and JDK Mission Control
     * list them) and starts turning telemetry into JFR events.
     *
     * @return the registration; closing it stops the events
     * @throws IllegalStateException if a previous registration is still open
     */
    public static FearlessJfr register() {
        if (!REGISTERED.compareAndSet(false, true)) {
            throw new IllegalStateException("FearlessJfr is already registered: close the previous registration"
                    + " first (two would record every event twice)");
        }
        try {
            Events.TYPES.forEach(FlightRecorder::register);
            return new FearlessJfr(Telemetry.register(new JfrListener()));
        } catch (Throwable t) {
            REGISTERED.set(false);
            throw t;
        }
    }

    /**
     * The shipped configuration, {@code fearless.jfc}: every Fearless event enabled, with its
     * thresholds. Use it for a {@link jdk.jfr.Recording}, or combine it with the JDK's
     * {@code default} configuration on the command line.
     *
     * @return the configuration
     * @throws UncheckedIOException if the resource cannot be read (a broken jar)
     */
    public static Configuration configuration() {
        try (InputStream in = FearlessJfr.class.getResourceAsStream(CONFIGURATION)) {
            if (in == null) {
                throw new UncheckedIOException(new IOException("missing resource " + CONFIGURATION));
            }
            try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                return Configuration.create(reader);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ParseException e) {
            throw new IllegalStateException("the shipped " + CONFIGURATION + " does not parse", e);
        }
    }

    /** Stops turning telemetry into JFR events. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                registration.close();
            } finally {
                REGISTERED.set(false);
            }
        }
    }
}
