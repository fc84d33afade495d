package dev.fearless.metrics;

import dev.fearless.telemetry.ChannelState;
import dev.fearless.telemetry.ChannelTelemetry;
import dev.fearless.telemetry.ExecutorState;
import dev.fearless.telemetry.LockTelemetry;
import dev.fearless.telemetry.Outcome;
import dev.fearless.telemetry.TelemetryListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The telemetry listener behind {@link FearlessMetrics}: one group of meters per component name,
 * created on the first event for that name and kept. Locks and channels bind: the group is looked
 * up by name once per component ({@link #bindLock}, {@link #bindChannel}) and the component holds
 * the handle, so their events cost the meter update only. Other events cost a hash lookup by name
 * and the meter update.
 *
 * <p>Meters are registered through {@link #register}, which records them for removal; a meter
 * registered by an event racing with {@link #removeMeters()} is removed again at once.
 */
final class MeterListener implements TelemetryListener {

    private static final Logger LOG = LoggerFactory.getLogger(FearlessMetrics.class);
    /** Histogram range for wait and hold timers: from an uncontended acquisition to a stuck one. */
    private static final Duration HISTOGRAM_MIN = Duration.ofNanos(1_000);
    private static final Duration HISTOGRAM_MAX = Duration.ofSeconds(10);

    private final MeterRegistry registry;
    private final Tags commonTags;
    private final boolean histograms;
    private final boolean locksByClass;
    private final boolean lockHoldTimes;
    private final Queue<Meter> registered = new ConcurrentLinkedQueue<>();
    private volatile boolean removed;

    private final ByName<ScopeMeters> scopes;
    private final ByName<LockMeters> locks;
    private final ByName<ChannelMeters> channels;
    private final ByName<HandleMeters> handles;
    private final ByName<ExecutorMeters> executors;
    private final Counter orderViolations;
    private final Counter deadlocks;

    MeterListener(MeterRegistry registry, MetricsOptions options) {
        this.registry = registry;
        this.commonTags = options.commonTags();
        this.histograms = options.histograms();
        this.locksByClass = options.locksByClass();
        this.lockHoldTimes = options.lockHoldTimes();
        int max = options.maxNames();
        this.scopes = new ByName<>(ScopeMeters::new, max, overflowCounter("scope"));
        this.locks = new ByName<>(LockMeters::new, max, overflowCounter("lock"));
        this.channels = new ByName<>(ChannelMeters::new, max, overflowCounter("channel"));
        this.handles = new ByName<>(HandleMeters::new, max, overflowCounter("handle"));
        this.executors = new ByName<>(ExecutorMeters::new, max, overflowCounter("executor"));
        this.orderViolations = register(() -> Counter.builder("fearless.lock.order.violations")
                .description("Lock acquisition orders that could deadlock, found by the lock-order checker")
                .tags(commonTags).register(registry));
        this.deadlocks = register(() -> Counter.builder("fearless.lock.deadlocks")
                .description("Real deadlocks (wait-for cycles) found by the deadlock watchdog")
                .tags(commonTags).register(registry));
    }

    void removeMeters() {
        removed = true;
        for (Meter meter; (meter = registered.poll()) != null; ) {
            registry.remove(meter);
        }
    }

    private <M extends Meter> M register(Supplier<M> registration) {
        M meter = registration.get();
        registered.add(meter);
        if (removed) {
            removeMeters(); // lost a race with close(): take it out again
        }
        return meter;
    }

    /** Counts events routed to the overflow name; created, and the warning logged, on the first. */
    private Supplier<Counter> overflowCounter(String kind) {
        return () -> {
            LOG.warn("fearless metrics: more distinct {} names than the cap; events of further names are counted under"
                    + " name=\"{}\". Name components by role rather than per instance, or raise"
                    + " FearlessMetrics.builder().maxNames(...)", kind, FearlessMetrics.OVERFLOW_NAME);
            return counter("fearless.metrics.overflow", "Events of components named after the name cap was reached",
                    "events", commonTags.and("kind", kind));
        };
    }

    private Tags tags(String name) {
        return commonTags.and("name", name);
    }

    private Timer timer(String meter, String description, Tags tags) {
        return register(() -> Timer.builder(meter).description(description).tags(tags).register(registry));
    }

    /** A timer of waits or holds: with a percentile histogram when the options ask for one. */
    private Timer waitTimer(String meter, String description, Tags tags) {
        return register(() -> Timer.builder(meter).description(description).tags(tags)
                .publishPercentileHistogram(histograms)
                .minimumExpectedValue(HISTOGRAM_MIN).maximumExpectedValue(HISTOGRAM_MAX)
                .register(registry));
    }

    private Counter counter(String meter, String description, String unit, Tags tags) {
        return register(() -> Counter.builder(meter).description(description).baseUnit(unit).tags(tags).register(registry));
    }

    private <T> void gauge(String meter, String description, String unit, Tags tags, T state, ToDoubleFunction<T> value) {
        register(() -> Gauge.builder(meter, state, value).description(description).baseUnit(unit).tags(tags)
                .strongReference(true).register(registry));
    }

    // ------------------------------------------------------------------ scopes and tasks

    @Override
    public void scopeOpened(String scope) {
        scopes.get(scope).open.incrementAndGet();
    }

    @Override
    public void scopeClosed(String scope, Outcome outcome, long durationNanos) {
        ScopeMeters meters = scopes.get(scope);
        meters.open.decrementAndGet();
        meters.duration.get(outcome).record(durationNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void taskForked(String scope) {
        scopes.get(scope).activeTasks.incrementAndGet();
    }

    @Override
    public void taskFinished(String scope, Outcome outcome, long durationNanos) {
        ScopeMeters meters = scopes.get(scope);
        meters.activeTasks.decrementAndGet();
        meters.taskDuration.get(outcome).record(durationNanos, TimeUnit.NANOSECONDS);
    }

    private final class ScopeMeters {
        final AtomicLong open = new AtomicLong();
        final AtomicLong activeTasks = new AtomicLong();
        final ByOutcome<Timer> duration;
        final ByOutcome<Timer> taskDuration;

        ScopeMeters(String name) {
            Tags tags = tags(name);
            gauge("fearless.scope.active", "Scopes open now", "scopes", tags, open, MeterListener::nonNegative);
            gauge("fearless.task.active", "Tasks forked and not yet finished", BaseUnits.TASKS, tags, activeTasks,
                    MeterListener::nonNegative);
            duration = new ByOutcome<>(outcome -> timer("fearless.scope.duration",
                    "Time from opening a scope to closing it", tags.and("outcome", outcome.tag())));
            taskDuration = new ByOutcome<>(outcome -> timer("fearless.task.duration",
                    "Time from forking a task to its end", tags.and("outcome", outcome.tag())));
        }
    }

    // ------------------------------------------------------------------ locks

    /** The {@code name} tag of a lock's series: its class when the options group by class and it has one. */
    private String lockKey(String lock, @Nullable String lockClass) {
        return locksByClass && lockClass != null ? lockClass : lock;
    }

    private LockMeters lockMeters(String lock, @Nullable String lockClass) {
        return locks.get(lockKey(lock, lockClass));
    }

    /**
     * Resolves the lock's meters once; the lock holds the handle. An exclusive lock's acquisitions
     * are counted in a plain field of its own handle (its calls are serialized by the lock), a
     * read view's in a LongAdder; both are read at scrape time by {@code fearless.lock.wait}.
     */
    @Override
    public LockTelemetry bindLock(String lock, @Nullable String lockClass, boolean shared) {
        ByName.Found<LockMeters> found = locks.find(lockKey(lock, lockClass));
        LockMeters meters = found.group();
        LockTelemetry handle = meters.histogramTimer != null || shared ? new SharedLock(meters) : meters.exclusive();
        Counter overflowed = found.overflowed();
        return overflowed == null ? handle : new OverflowingLock(handle, overflowed);
    }

    @Override
    public void lockAcquired(String lock, long waitNanos, boolean contended) {
        lockAcquired(lock, null, waitNanos, contended);
    }

    @Override
    public void lockAcquired(String lock, @Nullable String lockClass, long waitNanos, boolean contended) {
        lockMeters(lock, lockClass).acquired(waitNanos, contended);
    }

    @Override
    public void lockReleased(String lock, long heldNanos) {
        lockReleased(lock, null, heldNanos);
    }

    @Override
    public void lockReleased(String lock, @Nullable String lockClass, long heldNanos) {
        lockMeters(lock, lockClass).released(heldNanos);
    }

    @Override
    public void lockAbandoned(String lock, Outcome outcome, long waitNanos) {
        lockAbandoned(lock, null, outcome, waitNanos);
    }

    @Override
    public void lockAbandoned(String lock, @Nullable String lockClass, Outcome outcome, long waitNanos) {
        lockMeters(lock, lockClass).abandoned.get(outcome).increment();
    }

    @Override
    public void lockOrderViolation(List<String> cycle, String report) {
        orderViolations.increment();
    }

    @Override
    public void deadlockDetected(List<String> cycle, String report) {
        deadlocks.increment();
    }

    /**
     * One lock name's meters. {@code fearless.lock.wait} counts every acquisition but reads the
     * clock only for real waits: by default it is a function timer whose count is read at scrape
     * time from the acquisition counts ({@link Counts}) and whose total is the sum of real waits;
     * with percentile histograms it is a timer that records every acquisition (zero when free),
     * the only way to fill its buckets. {@code fearless.lock.held} exists only when hold times are
     * on.
     */
    private final class LockMeters {
        final Counts acquisitions = new Counts();
        final LongAdder waitedNanos = new LongAdder();
        final @Nullable Timer histogramTimer;
        final @Nullable Timer held;
        final Counter contended;
        final ByOutcome<Counter> abandoned;

        LockMeters(String name) {
            Tags tags = tags(name);
            String waitDescription = "Time spent acquiring a lock (zero when it was free); its count is the acquisition count";
            if (histograms) {
                histogramTimer = waitTimer("fearless.lock.wait", waitDescription, tags);
            } else {
                histogramTimer = null;
                register(() -> FunctionTimer.builder("fearless.lock.wait", this, m -> m.acquisitions.sum(),
                                m -> m.waitedNanos.sum(), TimeUnit.NANOSECONDS)
                        .description(waitDescription).tags(tags).register(registry));
            }
            held = lockHoldTimes
                    ? waitTimer("fearless.lock.held", "Time a lock was held, outermost acquisition to release", tags)
                    : null;
            contended = counter("fearless.lock.contended", "Acquisitions that found the lock held by another thread",
                    "acquisitions", tags);
            abandoned = new ByOutcome<>(outcome -> counter("fearless.lock.abandoned",
                    "Timed or interruptible acquisitions that gave up", "acquisitions", tags.and("outcome", outcome.tag())));
        }

        /** An acquisition reported by name or through a shared handle: calls may overlap. */
        void acquired(long waitNanos, boolean contended) {
            Timer timer = histogramTimer;
            if (timer != null) {
                timer.record(waitNanos, TimeUnit.NANOSECONDS);
            } else {
                acquisitions.shared.increment();
            }
            if (contended) {
                waited(waitNanos);
            }
        }

        /** A real wait: the only acquisitions whose time is recorded. */
        void waited(long waitNanos) {
            contended.increment();
            if (histogramTimer == null) {
                waitedNanos.add(waitNanos);
            }
        }

        void released(long heldNanos) {
            Timer timer = held;
            if (timer != null) {
                timer.record(heldNanos, TimeUnit.NANOSECONDS);
            }
        }

        ExclusiveLock exclusive() {
            return new ExclusiveLock(this);
        }
    }

    /** What every lock handle of one name does alike; subclasses count acquisitions their way. */
    private abstract class LockHandle implements LockTelemetry {
        final LockMeters meters;

        LockHandle(LockMeters meters) {
            this.meters = meters;
        }

        @Override
        public final void released(long heldNanos) {
            meters.released(heldNanos);
        }

        @Override
        public final void abandoned(Outcome outcome, long waitNanos) {
            meters.abandoned.get(outcome).increment();
        }

        @Override
        public final boolean timesHolds() {
            return lockHoldTimes;
        }
    }

    /** A read view's handle, or any lock's when histograms record every acquisition. */
    private final class SharedLock extends LockHandle {
        SharedLock(LockMeters meters) {
            super(meters);
        }

        @Override
        public void acquired(long waitNanos, boolean contended) {
            meters.acquired(waitNanos, contended);
        }
    }

    /**
     * An exclusive lock's handle: {@link #acquired} runs only while the lock is held, so the count
     * is a plain increment (an opaque store, never torn) with no atomic read-modify-write; the
     * lock's release and acquisition order successive increments.
     */
    private final class ExclusiveLock extends LockHandle {
        private final Counts.Cell cell;

        ExclusiveLock(LockMeters meters) {
            super(meters);
            this.cell = meters.acquisitions.track(this);
        }

        @Override
        public void acquired(long waitNanos, boolean contended) {
            cell.increment();
            if (contended) {
                meters.waited(waitNanos);
            }
        }
    }

    /** A handle of a lock named beyond the cap: counts each of its events as overflowing. */
    private static final class OverflowingLock implements LockTelemetry {
        private final LockTelemetry handle;
        private final Counter overflowed;

        OverflowingLock(LockTelemetry handle, Counter overflowed) {
            this.handle = handle;
            this.overflowed = overflowed;
        }

        @Override
        public void acquired(long waitNanos, boolean contended) {
            overflowed.increment();
            handle.acquired(waitNanos, contended);
        }

        @Override
        public void released(long heldNanos) {
            overflowed.increment();
            handle.released(heldNanos);
        }

        @Override
        public void abandoned(Outcome outcome, long waitNanos) {
            overflowed.increment();
            handle.abandoned(outcome, waitNanos);
        }

        @Override
        public boolean timesHolds() {
            return handle.timesHolds();
        }
    }

    // ------------------------------------------------------------------ channels

    @Override
    public void channelCreated(ChannelState channel) {
        channels.get(channel.name()).live.add(channel);
    }

    /** Resolves the channel's meters once; the channel holds them as its handle. */
    @Override
    public ChannelTelemetry bindChannel(String channel) {
        ByName.Found<ChannelMeters> found = channels.find(channel);
        Counter overflowed = found.overflowed();
        return overflowed == null ? found.group() : new OverflowingChannel(found.group(), overflowed);
    }

    @Override
    public void channelSent(String channel, long blockedNanos) {
        channels.get(channel).sent(blockedNanos);
    }

    @Override
    public void channelReceived(String channel, long blockedNanos) {
        channels.get(channel).received(blockedNanos);
    }

    /** A handle of a channel named beyond the cap: counts each of its events as overflowing. */
    private static final class OverflowingChannel implements ChannelTelemetry {
        private final ChannelTelemetry handle;
        private final Counter overflowed;

        OverflowingChannel(ChannelTelemetry handle, Counter overflowed) {
            this.handle = handle;
            this.overflowed = overflowed;
        }

        @Override
        public void sent(long blockedNanos) {
            overflowed.increment();
            handle.sent(blockedNanos);
        }

        @Override
        public void received(long blockedNanos) {
            overflowed.increment();
            handle.received(blockedNanos);
        }
    }

    @Override
    public void channelClosed(String channel, Outcome outcome, int discarded) {
        ChannelMeters meters = channels.get(channel);
        meters.closed.get(outcome).increment();
        if (discarded > 0) {
            meters.discarded.increment(discarded);
        }
    }

    private final class ChannelMeters implements ChannelTelemetry {
        final LiveViews<ChannelState> live = new LiveViews<>();
        final Counter sent;
        final Counter received;
        final Counter discarded;
        final Timer sendBlocked;
        final Timer receiveBlocked;
        final ByOutcome<Counter> closed;

        ChannelMeters(String name) {
            Tags tags = tags(name);
            sent = counter("fearless.channel.sent", "Elements sent", "elements", tags);
            received = counter("fearless.channel.received", "Elements received", "elements", tags);
            discarded = counter("fearless.channel.discarded", "Buffered elements discarded when a channel failed",
                    "elements", tags);
            sendBlocked = waitTimer("fearless.channel.blocked", "Time an operation was blocked, for operations that blocked",
                    tags.and("operation", "send"));
            receiveBlocked = waitTimer("fearless.channel.blocked", "Time an operation was blocked, for operations that blocked",
                    tags.and("operation", "receive"));
            closed = new ByOutcome<>(outcome -> counter("fearless.channel.closed",
                    "Channels closed: outcome success for done, failure for error", "channels",
                    tags.and("outcome", outcome.tag())));
            gauge("fearless.channel.size", "Elements buffered now, over live channels of this name", "elements",
                    tags, live, views -> views.sum(ChannelState::size));
            gauge("fearless.channel.capacity", "Buffer capacity, over live channels of this name (+Inf if unbounded)",
                    "elements", tags, live, views -> views.sum(ChannelState::capacity, Integer.MAX_VALUE));
        }

        @Override
        public void sent(long blockedNanos) {
            sent.increment();
            if (blockedNanos > 0) {
                sendBlocked.record(blockedNanos, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public void received(long blockedNanos) {
            received.increment();
            if (blockedNanos > 0) {
                receiveBlocked.record(blockedNanos, TimeUnit.NANOSECONDS);
            }
        }
    }

    // ------------------------------------------------------------------ handles

    @Override
    public void handlePoisoned(String handle) {
        handles.get(handle).poisoned.increment();
    }

    @Override
    public void handleLeaked(String handle, String kind) {
        handles.get(handle).leaked.get(kind).increment();
    }

    private final class HandleMeters {
        final Counter poisoned;
        final ByName<Counter> leaked;

        HandleMeters(String name) {
            Tags tags = tags(name);
            poisoned = counter("fearless.handle.poisoned", "Values poisoned by an exception thrown while held",
                    "handles", tags);
            leaked = ByName.unbounded(kind -> counter("fearless.handle.leaked",
                    "Guards or moved values that became unreachable unclosed or unreceived", "handles",
                    tags.and("kind", kind)));
        }
    }

    // ------------------------------------------------------------------ executors

    @Override
    public void executorCreated(ExecutorState executor) {
        executors.get(executor.name()).live.add(executor);
    }

    @Override
    public void executorSubmitted(String executor) {
        executors.get(executor).submitted.increment();
    }

    @Override
    public void executorRejected(String executor) {
        executors.get(executor).rejected.increment();
    }

    @Override
    public void executorStarted(String executor, long waitNanos) {
        executors.get(executor).idle.record(waitNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void executorFinished(String executor, Outcome outcome, long runNanos) {
        ExecutorMeters meters = executors.get(executor);
        meters.completed.increment();
        meters.execution.get(outcome).record(runNanos, TimeUnit.NANOSECONDS);
    }

    private final class ExecutorMeters {
        final LiveViews<ExecutorState> live = new LiveViews<>();
        final Counter submitted;
        final Counter rejected;
        final Counter completed;
        final Timer idle;
        final ByOutcome<Timer> execution;

        ExecutorMeters(String name) {
            Tags tags = tags(name);
            submitted = counter("fearless.executor.submitted", "Tasks accepted", BaseUnits.TASKS, tags);
            rejected = counter("fearless.executor.rejected", "Tasks refused by the limit policy or a shut-down executor",
                    BaseUnits.TASKS, tags);
            completed = counter("fearless.executor.completed", "Accepted tasks that ended, whatever the outcome (withdrawn ones as cancelled)",
                    BaseUnits.TASKS, tags);
            idle = waitTimer("fearless.executor.idle", "Time from acceptance to start, including the wait for a permit", tags);
            execution = new ByOutcome<>(outcome -> timer("fearless.executor", "Time tasks spent executing",
                    tags.and("outcome", outcome.tag())));
            gauge("fearless.executor.active", "Tasks holding a permit and running now", BaseUnits.TASKS, tags, live,
                    views -> views.sum(ExecutorState::running));
            gauge("fearless.executor.queued", "Tasks and blocked submitters waiting for a permit now", BaseUnits.TASKS, tags, live,
                    views -> views.sum(ExecutorState::waiting));
            gauge("fearless.executor.limit", "Concurrency limit (+Inf if unlimited)", BaseUnits.TASKS, tags, live,
                    views -> views.sum(ExecutorState::limit, Integer.MAX_VALUE));
        }
    }

    private static double nonNegative(AtomicLong count) {
        return Math.max(0, count.get()); // binding after a component opened makes the count start low
    }

    /**
     * Groups keyed by a component name, created on first use and kept, at most {@code max} of
     * them: further names share one overflow group under {@link FearlessMetrics#OVERFLOW_NAME}.
     * The cap is exact: a name is admitted inside {@code computeIfAbsent}'s atomic mapping, and a
     * refused name maps to nothing (the function returns null), so the map never grows past it.
     */
    private static final class ByName<G> {
        private final ConcurrentHashMap<String, G> groups = new ConcurrentHashMap<>();
        private final Function<String, G> factory;
        private final int max;
        private final AtomicInteger admitted = new AtomicInteger();
        private final Supplier<Counter> overflowCounter;
        private volatile @Nullable G overflow;
        private volatile @Nullable Counter overflowed;

        ByName(Function<String, G> factory, int max, Supplier<Counter> overflowCounter) {
            this.factory = factory;
            this.max = max;
            this.overflowCounter = overflowCounter;
        }

        static <G> ByName<G> unbounded(Function<String, G> factory) {
            return new ByName<>(factory, Integer.MAX_VALUE, () -> {
                throw new AssertionError("an unbounded group never overflows");
            });
        }

        G get(String name) {
            Found<G> found = find(name);
            Counter overflowed = found.overflowed();
            if (overflowed != null) {
                overflowed.increment();
            }
            return found.group();
        }

        /** The group of a name, and the overflow counter if the name is beyond the cap; counts nothing. */
        Found<G> find(String name) {
            G group = groups.get(name);
            if (group == null) {
                group = groups.computeIfAbsent(name, this::admit);
            }
            return group != null ? new Found<>(group, null) : overflow();
        }

        /** A group found by name; {@code overflowed} is set when it is the overflow group. */
        record Found<G>(G group, @Nullable Counter overflowed) {}

        private @Nullable G admit(String name) {
            for (int n = admitted.get(); n < max; n = admitted.get()) {
                if (admitted.compareAndSet(n, n + 1)) {
                    return factory.apply(name);
                }
            }
            return null;
        }

        private Found<G> overflow() {
            G group = overflow;
            Counter counter = overflowed;
            if (group == null || counter == null) {
                synchronized (this) { // once per kind: the warning and the overflow meters
                    if (overflowed == null) {
                        overflowed = overflowCounter.get();
                        overflow = factory.apply(FearlessMetrics.OVERFLOW_NAME);
                    }
                    group = overflow;
                    counter = overflowed;
                }
            }
            return new Found<>(group, counter);
        }
    }
}
