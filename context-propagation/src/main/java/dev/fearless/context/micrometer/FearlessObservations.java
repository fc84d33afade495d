package dev.fearless.context.micrometer;

import dev.fearless.telemetry.Outcome;
import dev.fearless.telemetry.Telemetry;
import dev.fearless.telemetry.TelemetryListener;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * An {@link Observation} per scope ({@code fearless.scope}) and per task ({@code fearless.task}),
 * so a tracing handler turns every scope and every fork or executor task into a span, with no
 * code in the tasks. Low-cardinality keys only: {@code fearless.scope.name} (the scope's name) and
 * {@code outcome}.
 *
 * <pre>{@code
 * ObservationRegistry registry = ObservationRegistry.create();
 * registry.observationConfig().observationHandler(new DefaultTracingObservationHandler(tracer));
 * try (FearlessObservations observations = FearlessObservations.install(registry)) {
 *     try (var scope = Scope.builder().name("page").open()) {   // span "fearless.scope"
 *         scope.fork(() -> users.load(id));                     // span "fearless.task", its child
 *         scope.join();
 *     }
 * }
 * }</pre>
 *
 * <p>A scope's observation starts when it opens and stops when it closes, on the owner thread,
 * and is the current observation there in between, so the tasks forked into it are its children.
 * Task observations are made by {@link MicrometerContextPropagator} (through
 * {@link dev.fearless.context.ContextPropagation#defaults()}), which runs each task inside a
 * {@code fearless.task} observation whose parent is the one current where it was forked.
 *
 * <p>One installation at a time: a second {@link #install} before the first is closed throws.
 */
public final class FearlessObservations implements AutoCloseable {

    /** The registry task observations are made in; null while none is installed. */
    private static volatile @Nullable ObservationRegistry tasks;
    private static final AtomicBoolean INSTALLED = new AtomicBoolean();

    private final Telemetry.Registration registration;
    private final AtomicBoolean closed = new AtomicBoolean();

    private FearlessObservations(Telemetry.Registration registration) {
        this.registration = registration;
    }

    /**
     * Starts observing scopes and tasks in {@code registry}.
     *
     * @param registry where observations are made (its handlers turn them into spans, timers...)
     * @return the installation; close it to stop
     * @throws NullPointerException if {@code registry} is null
     * @throws IllegalStateException if a previous installation is still open
     */
    public static FearlessObservations install(ObservationRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        if (!INSTALLED.compareAndSet(false, true)) {
            throw new IllegalStateException("FearlessObservations is already installed: close it first");
        }
        try {
            FearlessObservations installed = new FearlessObservations(Telemetry.register(new ScopeObserver(registry)));
            tasks = registry;
            return installed;
        } catch (Throwable t) {
            INSTALLED.set(false);
            throw t;
        }
    }

    /** Stops making observations; scopes open now still stop theirs when they close. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            tasks = null;
            try {
                registration.close();
            } finally {
                INSTALLED.set(false);
            }
        }
    }

    static boolean observing() {
        return tasks != null;
    }

    /**
     * Wraps a task in a {@code fearless.task} observation, child of the observation current on
     * the calling (forking) thread; {@code body} unchanged when nothing is installed.
     */
    static Runnable observeTask(Runnable body) {
        ObservationRegistry registry = tasks;
        if (registry == null) {
            return body;
        }
        Observation parent = registry.getCurrentObservation();
        return () -> Observation.createNotStarted("fearless.task", registry).parentObservation(parent).observe(body);
    }

    /**
     * Scope observations, from the telemetry events: a scope opens and closes on its owner thread,
     * and scopes nest strictly there, so a per-thread stack pairs each close with its open.
     */
    private static final class ScopeObserver implements TelemetryListener {
        private final ObservationRegistry registry;
        private final ThreadLocal<ArrayDeque<Open>> open = ThreadLocal.withInitial(ArrayDeque::new);

        ScopeObserver(ObservationRegistry registry) {
            this.registry = registry;
        }

        private record Open(String scope, Observation observation, Observation.Scope inScope) {}

        @Override
        public void scopeOpened(String scope) {
            Observation observation = Observation.createNotStarted("fearless.scope", registry)
                    .lowCardinalityKeyValue("fearless.scope.name", scope)
                    .start();
            open.get().push(new Open(scope, observation, observation.openScope()));
        }

        @Override
        public void scopeClosed(String scope, Outcome outcome, long durationNanos) {
            ArrayDeque<Open> stack = open.get();
            Open top = stack.peek();
            if (top == null || !top.scope().equals(scope)) {
                return; // opened before the installation: nothing of ours to stop
            }
            stack.pop();
            if (stack.isEmpty()) {
                open.remove();
            }
            top.inScope().close();
            top.observation().lowCardinalityKeyValue("outcome", outcome.tag()).stop();
        }
    }
}
