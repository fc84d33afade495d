package dev.fearless.context;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.LoggerFactory;

/**
 * An immutable list of {@link ContextPropagator}s that a scope or executor applies to every task
 * it starts: captured on the forking thread, installed around the task on its own thread.
 *
 * <p>{@link #defaults()} carries the slf4j MDC and every propagator found through
 * {@link ServiceLoader}; {@link #none()} carries nothing. Add scoped values or custom propagators
 * with {@link #with(ContextPropagator)}.
 *
 * <pre>{@code
 * static final ScopedValue<String> USER = ScopedValue.newInstance();
 *
 * ContextPropagation propagation = ContextPropagation.defaults()
 *         .with(ContextPropagator.scopedValues(USER));
 * ContextSnapshot snapshot = propagation.capture();          // on the forking thread
 * Thread.ofVirtual().start(() -> snapshot.runWith(task));   // USER and the MDC are visible in task
 * }</pre>
 */
public final class ContextPropagation {

    private static final ContextPropagation NONE = new ContextPropagation(List.of());
    private static final ContextPropagation DEFAULTS = new ContextPropagation(discoverDefaults());

    private final List<ContextPropagator> propagators;

    private ContextPropagation(List<ContextPropagator> propagators) {
        this.propagators = List.copyOf(propagators);
    }

    /**
     * Returns the propagation that carries nothing.
     *
     * @return the empty propagation
     */
    public static ContextPropagation none() {
        return NONE;
    }

    /**
     * Returns the default propagation: the slf4j MDC, then every {@link ContextPropagator}
     * registered with {@link ServiceLoader}, discovered once when this class is initialised.
     * Every scope and executor built without an explicit {@code context(...)} uses it, so a
     * propagator on the class path (or provided by a module) reaches all of them; build from
     * {@link #none()} to choose the propagators explicitly.
     *
     * @return the default propagation
     */
    public static ContextPropagation defaults() {
        return DEFAULTS;
    }

    /**
     * Returns a propagation that also applies {@code propagator}, innermost, after this one's.
     *
     * @param propagator the propagator to add
     * @return a new propagation; this one is unchanged
     * @throws NullPointerException if {@code propagator} is null
     */
    public ContextPropagation with(ContextPropagator propagator) {
        Objects.requireNonNull(propagator, "propagator");
        List<ContextPropagator> extended = new ArrayList<>(propagators);
        extended.add(propagator);
        return new ContextPropagation(extended);
    }

    /**
     * Returns the propagators in the order they are applied, outermost first.
     *
     * @return an unmodifiable list
     */
    public List<ContextPropagator> propagators() {
        return propagators;
    }

    /**
     * Captures every propagator's context on the calling thread.
     *
     * @return one snapshot that installs them all, or {@link ContextSnapshot#EMPTY} when there is
     *     nothing to carry
     */
    public ContextSnapshot capture() {
        ContextSnapshot combined = ContextSnapshot.EMPTY;
        for (int i = propagators.size() - 1; i >= 0; i--) {
            ContextSnapshot snapshot = propagators.get(i).capture();
            if (snapshot != ContextSnapshot.EMPTY) {
                combined = nest(snapshot, combined);
            }
        }
        return combined;
    }

    private static ContextSnapshot nest(ContextSnapshot outer, ContextSnapshot inner) {
        return inner == ContextSnapshot.EMPTY ? outer : body -> outer.runWith(() -> inner.runWith(body));
    }

    /**
     * The MDC propagator and every registered one. A provider that cannot be loaded or
     * instantiated is logged and skipped: this runs in this class's initialiser, where a
     * {@link ServiceConfigurationError} would make every scope and executor of the application
     * fail with {@link NoClassDefFoundError}.
     */
    private static List<ContextPropagator> discoverDefaults() {
        return withProviders(
                ServiceLoader.load(ContextPropagator.class, ContextPropagation.class.getClassLoader()).iterator());
    }

    static List<ContextPropagator> withProviders(Iterator<ContextPropagator> providers) {
        List<ContextPropagator> found = new ArrayList<>();
        found.add(ContextPropagator.mdc());
        while (true) {
            try {
                if (!providers.hasNext()) {
                    return found;
                }
                found.add(providers.next());
            } catch (ServiceConfigurationError | LinkageError broken) {
                LoggerFactory.getLogger(ContextPropagation.class).warn(
                        "Skipping a ContextPropagator registered with ServiceLoader that cannot be loaded;"
                                + " scopes and executors will not carry its context", broken);
            }
        }
    }

    @Override
    public String toString() {
        return "ContextPropagation" + propagators;
    }
}
