package dev.fearless.context.micrometer;

import dev.fearless.context.ContextPropagator;
import dev.fearless.context.ContextSnapshot;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshotFactory;
import java.util.Objects;

/**
 * Carries every {@code ThreadLocalAccessor} registered with Micrometer's {@link ContextRegistry}
 * — Micrometer Tracing's current span and baggage, the MDC, Reactor's context, your own — from
 * the thread that forks or submits into the thread that runs the task, and restores the task
 * thread's previous values afterwards.
 *
 * <p>With this module on the class or module path, {@link java.util.ServiceLoader} finds it, so
 * {@link dev.fearless.context.ContextPropagation#defaults()} — what scopes and executors use unless
 * told otherwise — includes it: a span opened around a scope is the parent of the spans its tasks
 * and their forks create, with no code. To use it with a registry of your own:
 *
 * <pre>{@code
 * ContextRegistry registry = new ContextRegistry().registerThreadLocalAccessor(new MyAccessor());
 * try (var scope = Scope.builder()
 *         .context(ContextPropagation.none().with(MicrometerContextPropagator.of(registry)))
 *         .open()) {
 *     scope.fork(() -> MyAccessor.current());   // the forking thread's value
 *     scope.join();
 * }
 * }</pre>
 *
 * <p>The accessors are read when the task is forked (so a value set later on the forking thread
 * does not reach it) and set on the task's thread for exactly the duration of the task. Keys with
 * no value on the forking thread are left as the task thread has them, as Micrometer's
 * {@code ContextSnapshot} does by default. The slf4j MDC is also carried by Fearless's own
 * {@link ContextPropagator#mdc()}; both write the same map, so having both is harmless.
 *
 * <p>Thread safety: immutable; {@link #capture()} may be called from any thread. Memory
 * consistency effects: actions of the forking thread before {@code capture()} happen-before the
 * task reads the values installed from that snapshot.
 */
public final class MicrometerContextPropagator implements ContextPropagator {

    private static final MicrometerContextPropagator GLOBAL = new MicrometerContextPropagator(ContextRegistry.getInstance());

    private final ContextRegistry registry;
    private final ContextSnapshotFactory snapshots;

    /**
     * The propagator over {@link ContextRegistry#getInstance()}; this is the constructor
     * {@link java.util.ServiceLoader} calls. In code, prefer {@link #global()}.
     */
    public MicrometerContextPropagator() {
        this(ContextRegistry.getInstance());
    }

    private MicrometerContextPropagator(ContextRegistry registry) {
        this.registry = registry;
        this.snapshots = ContextSnapshotFactory.builder().contextRegistry(registry).build();
    }

    /**
     * The propagator over {@link ContextRegistry#getInstance()}, the registry Micrometer Tracing,
     * Spring Boot and Reactor register their accessors with.
     *
     * @return the shared propagator
     */
    public static MicrometerContextPropagator global() {
        return GLOBAL;
    }

    /**
     * A propagator over the accessors of {@code registry}.
     *
     * @param registry the registry to read accessors from, on every capture
     * @return a propagator
     * @throws NullPointerException if {@code registry} is null
     */
    public static MicrometerContextPropagator of(ContextRegistry registry) {
        return new MicrometerContextPropagator(Objects.requireNonNull(registry, "registry"));
    }

    /**
     * Captures the current value of every registered accessor on the calling thread.
     *
     * @return a snapshot that sets those values around the task and restores the previous ones
     */
    @Override
    public ContextSnapshot capture() {
        boolean noAccessors = registry.getThreadLocalAccessors().isEmpty();
        if (noAccessors && !FearlessObservations.observing()) {
            return ContextSnapshot.EMPTY; // nothing registered: no snapshot to allocate or install
        }
        io.micrometer.context.ContextSnapshot captured = snapshots.captureAll();
        // The task observation (if installed) runs inside the restored values, so spans the task
        // creates are children of the task's span, which is a child of the forker's.
        return body -> captured.wrap(FearlessObservations.observeTask(body)).run();
    }

    @Override
    public String toString() {
        return "MicrometerContextPropagator" + registry.getThreadLocalAccessors().stream()
                .map(accessor -> String.valueOf(accessor.key())).toList();
    }
}
