package dev.fearless.metrics;

import dev.fearless.telemetry.Telemetry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Turns every Fearless telemetry event into {@code fearless.*} Micrometer meters: scopes and
 * tasks, locks, channels, handles and executors. Bind it once, at start-up, before the components
 * it should see are created; close it to stop listening and remove its meters.
 *
 * <pre>{@code
 * MeterRegistry registry = new SimpleMeterRegistry();
 * try (FearlessMetrics metrics = new FearlessMetrics(Tags.of("application", "checkout"))) {
 *     metrics.bindTo(registry);
 *     runTheApplication();   // fearless.task.duration{name=...,outcome=...} and friends fill up
 * }                          // listener removed, meters removed from the registry
 * }</pre>
 *
 * <p>Every meter carries a {@code name} tag with the component's name ({@code "default"} for
 * unnamed components, so cardinality stays bounded by the names the application chooses) and the
 * common tags given to the constructor; outcomes are the bounded {@link dev.fearless.telemetry.Outcome}
 * tags. A meter is registered the first time its component name (and outcome) is seen and kept
 * afterwards. Locks and channels resolve their meters once and hold them, so their events cost
 * the meter update only, and an uncontended lock/unlock reads no clock (hold times are opt-in,
 * {@link Builder#timeLockHolds}); other events cost one hash lookup by name plus the meter
 * update, never a registry lookup. docs/metrics.md lists every meter with its type, unit, tags,
 * meaning and PromQL, and what each choice costs.
 *
 * <p>Options, through {@link #builder()}: a cap on the distinct component names per kind (events of
 * further names are counted under {@value #OVERFLOW_NAME}, with one warning), percentile
 * histograms for the wait, hold and blocked timers, and lock series named by lock class:
 * <pre>{@code
 * FearlessMetrics metrics = FearlessMetrics.builder()
 *         .commonTags(Tags.of("application", "bank"))
 *         .maxNames(200)                 // per kind: scopes, locks, channels, handles, executors
 *         .percentileHistograms(true)    // histogram_quantile(0.99, ...) over fearless_lock_wait_seconds_bucket
 *         .tagLocksByClass(true)         // new OrderedLock("acc-8812", "Account") reports as name="Account"
 *         .build();
 * }</pre>
 *
 * <p>Gauges of channel sizes and executor permits read the live components, held weakly; live
 * counts of scopes and tasks are derived from open/close events and so only count what started
 * after binding.
 *
 * <p>Thread safety: all methods may be called from any thread. Memory consistency effects:
 * actions in a thread prior to {@link #bindTo} happen-before the meter updates of any event that
 * reaches this binder.
 */
public final class FearlessMetrics implements MeterBinder, AutoCloseable {

    /**
     * The {@code name} tag of events from components beyond the {@linkplain Builder#maxNames name cap}.
     */
    public static final String OVERFLOW_NAME = "other";

    private final MetricsOptions options;
    private final Object lifecycleLock = new Object();
    private @Nullable MeterListener listener;          // guarded by lifecycleLock
    private Telemetry.@Nullable Registration registration; // guarded by lifecycleLock
    private boolean closed;                            // guarded by lifecycleLock

    /** Creates a binder whose meters carry only the {@code name} and {@code outcome} tags. */
    public FearlessMetrics() {
        this(MetricsOptions.defaults(Tags.empty()));
    }

    /**
     * Creates a binder whose meters also carry {@code commonTags}, such as an application tag.
     *
     * @param commonTags tags added to every meter
     * @throws NullPointerException if {@code commonTags} is null
     */
    public FearlessMetrics(Iterable<Tag> commonTags) {
        this(MetricsOptions.defaults(Tags.of(Objects.requireNonNull(commonTags, "commonTags"))));
    }

    private FearlessMetrics(MetricsOptions options) {
        this.options = options;
    }

    /**
     * Starts a binder with options; the constructors give the defaults (no common tags, at most
     * 1,000 names per kind, no histograms).
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts listening to Fearless telemetry and registers meters in {@code registry} as
     * components report. A binder binds to one registry; to publish to several, bind it to a
     * {@link io.micrometer.core.instrument.composite.CompositeMeterRegistry}.
     *
     * @param registry the registry to register meters in
     * @throws IllegalStateException if this binder is already bound or was closed
     * @throws NullPointerException if {@code registry} is null
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        synchronized (lifecycleLock) {
            if (closed) {
                throw new IllegalStateException("FearlessMetrics was closed; create a new one to bind again");
            }
            if (listener != null) {
                throw new IllegalStateException("FearlessMetrics is already bound to a registry; bind it once, "
                        + "to a CompositeMeterRegistry if meters must reach several registries");
            }
            MeterListener bound = new MeterListener(registry, options);
            listener = bound;
            registration = Telemetry.register(bound);
        }
    }

    /**
     * Stops listening and removes every meter this binder registered. Idempotent.
     */
    @Override
    public void close() {
        synchronized (lifecycleLock) {
            if (closed) {
                return;
            }
            closed = true;
            if (registration != null) {
                registration.close();
            }
            if (listener != null) {
                listener.removeMeters();
            }
        }
    }

    /**
     * Options for a {@link FearlessMetrics} binder. Not thread-safe; each setter returns this
     * builder.
     */
    public static final class Builder {
        private Tags commonTags = Tags.empty();
        private int maxNames = MetricsOptions.DEFAULT_MAX_NAMES;
        private boolean histograms;
        private boolean locksByClass;
        private boolean lockHoldTimes;

        private Builder() {}

        /**
         * Tags added to every meter, such as an application tag.
         *
         * @param commonTags the tags
         * @return this builder
         * @throws NullPointerException if {@code commonTags} is null
         */
        public Builder commonTags(Iterable<Tag> commonTags) {
            this.commonTags = Tags.of(Objects.requireNonNull(commonTags, "commonTags"));
            return this;
        }

        /**
         * Caps the distinct component names per kind (scopes, locks, channels, handles,
         * executors), which bounds the number of series: events of components named after the cap
         * was reached are counted under the name {@value FearlessMetrics#OVERFLOW_NAME}, a warning
         * is logged once per kind, and {@code fearless.metrics.overflow{kind}} counts them. The
         * usual cause is a name per instance (an account id) where a name per role belongs.
         * Default 1,000.
         *
         * @param maxNames the cap, at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code maxNames} is less than 1
         */
        public Builder maxNames(int maxNames) {
            if (maxNames < 1) {
                throw new IllegalArgumentException("maxNames must be at least 1: " + maxNames);
            }
            this.maxNames = maxNames;
            return this;
        }

        /**
         * Publishes percentile histograms (Prometheus {@code _bucket} series, 1 µs to 10 s) for the
         * timers of waits and holds: {@code fearless.lock.wait} (which then records every
         * acquisition in a full timer, zero when free, instead of counting it in the lock),
         * {@code fearless.lock.held} (with {@link #timeLockHolds}),
         * {@code fearless.channel.blocked} and {@code fearless.executor.idle}. Off by default:
         * each histogram adds about 70 series per component name.
         *
         * @param enabled whether to publish them
         * @return this builder
         */
        public Builder percentileHistograms(boolean enabled) {
            this.histograms = enabled;
            return this;
        }

        /**
         * Names lock series (and the locks inside {@code Shared} and {@code SharedRw} handles) by
         * their lock class instead of their own name, when they have one: every account's lock,
         * created as {@code new OrderedLock("acc-8812", "Account")}, reports under
         * {@code name="Account"}, one series for all of them. Locks without a class keep their
         * name. Off by default.
         *
         * @param enabled whether to name lock series by lock class
         * @return this builder
         */
        public Builder tagLocksByClass(boolean enabled) {
            this.locksByClass = enabled;
            return this;
        }

        /**
         * Times lock holds: registers {@code fearless.lock.held}, the time from each outermost
         * acquisition to its release. Off by default, because it costs two clock reads per hold
         * (about 20 to 40 ns each here), which on an uncontended lock is several times the lock
         * itself; with it off, an uncontended lock/unlock reads no clock at all.
         *
         * @param enabled whether to time lock holds
         * @return this builder
         */
        public Builder timeLockHolds(boolean enabled) {
            this.lockHoldTimes = enabled;
            return this;
        }

        /**
         * Creates the binder; bind it with {@link FearlessMetrics#bindTo}.
         *
         * @return a new, unbound binder
         */
        public FearlessMetrics build() {
            return new FearlessMetrics(new MetricsOptions(commonTags, maxNames, histograms, locksByClass, lockHoldTimes));
        }
    }
}
