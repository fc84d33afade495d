package dev.fearless.test;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * Settings of one exploration: how many schedules, which {@link Strategy}, the seed, and the
 * bounds that turn a livelock or a thread blocked outside the model into a failure. Immutable:
 * each setter returns a changed copy.
 *
 * <pre>{@code
 * ExploreOptions options = ExploreOptions.defaults()
 *         .schedules(500)
 *         .strategy(Strategy.PCT)
 *         .depth(2)
 *         .seed(42);
 * }</pre>
 *
 * <p>Two system properties override what the code says, so that a failure seen in CI can be
 * replayed without editing the test: {@value #REPLAY_PROPERTY} (a schedule printed by a failure
 * report: run only that schedule) and {@value #SEED_PROPERTY} (the base seed, decimal or
 * {@code 0x} hexadecimal).
 */
public final class ExploreOptions {

    /** System property with a schedule to replay instead of exploring, as printed by a report. */
    public static final String REPLAY_PROPERTY = "fearless.explore.replay";
    /** System property with the base seed of the exploration. */
    public static final String SEED_PROPERTY = "fearless.explore.seed";

    private static final ExploreOptions DEFAULTS = new ExploreOptions(1000, Strategy.RANDOM, OptionalLong.empty(), 3,
            2, 20_000, null, true, Duration.ofSeconds(10), Duration.ofSeconds(1));

    private final int schedules;
    private final Strategy strategy;
    private final OptionalLong seed;
    private final int depth;
    private final int preemptionBound;
    private final int maxSteps;
    private final @Nullable String replay;
    private final boolean shrink;
    private final Duration stepTimeout;
    private final Duration uncontrolledTimeout;

    private ExploreOptions(int schedules, Strategy strategy, OptionalLong seed, int depth, int preemptionBound,
            int maxSteps, @Nullable String replay, boolean shrink, Duration stepTimeout, Duration uncontrolledTimeout) {
        this.schedules = schedules;
        this.strategy = strategy;
        this.seed = seed;
        this.depth = depth;
        this.preemptionBound = preemptionBound;
        this.maxSteps = maxSteps;
        this.replay = replay;
        this.shrink = shrink;
        this.stepTimeout = stepTimeout;
        this.uncontrolledTimeout = uncontrolledTimeout;
    }

    /**
     * Returns the defaults: 1,000 schedules, {@link Strategy#RANDOM}, a random seed (reported on
     * failure), PCT depth 3, preemption bound 2, 20,000 steps per schedule, shrinking on, a 10 s
     * step timeout and a 1 s wait for a thread blocked outside the model.
     *
     * @return the default options
     */
    public static ExploreOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Returns options that replay one recorded schedule (as printed by a failure report).
     *
     * @param schedule the recorded schedule, such as {@code "r1:0x3.1.0"}
     * @return options that run only that schedule
     * @throws NullPointerException if {@code schedule} is null
     * @throws IllegalArgumentException if {@code schedule} is not a recorded schedule
     */
    public static ExploreOptions replaying(String schedule) {
        return DEFAULTS.replay(schedule);
    }

    /**
     * Sets how many schedules to run at most (the exploration stops at the first failure).
     *
     * @param schedules the number of schedules
     * @return changed options
     * @throws IllegalArgumentException if {@code schedules} is not positive
     */
    public ExploreOptions schedules(int schedules) {
        if (schedules < 1) {
            throw new IllegalArgumentException("schedules must be positive: " + schedules);
        }
        return new ExploreOptions(schedules, strategy, seed, depth, preemptionBound, maxSteps, replay, shrink,
                stepTimeout, uncontrolledTimeout);
    }

    /**
     * Sets the strategy.
     *
     * @param strategy the strategy
     * @return changed options
     * @throws NullPointerException if {@code strategy} is null
     */
    public ExploreOptions strategy(Strategy strategy) {
        Objects.requireNonNull(strategy, "strategy");
        return new ExploreOptions(schedules, strategy, seed, depth, preemptionBound, maxSteps, replay, shrink,
                stepTimeout, uncontrolledTimeout);
    }

    /**
     * Sets the base seed; schedule {@code i} derives its own seed from it, so the same seed runs
     * the same schedules in the same order.
     *
     * @param seed the base seed
     * @return changed options
     */
    public ExploreOptions seed(long seed) {
        return new ExploreOptions(schedules, strategy, OptionalLong.of(seed), depth, preemptionBound, maxSteps, replay,
                shrink, stepTimeout, uncontrolledTimeout);
    }

    /**
     * Sets the bug depth that {@link Strategy#PCT} aims at: it uses {@code depth - 1} priority
     * change points.
     *
     * @param depth the depth
     * @return changed options
     * @throws IllegalArgumentException if {@code depth} is not positive
     */
    public ExploreOptions depth(int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be positive: " + depth);
        }
        return new ExploreOptions(schedules, strategy, seed, depth, preemptionBound, maxSteps, replay, shrink,
                stepTimeout, uncontrolledTimeout);
    }

    /**
     * Sets the most preemptions (switches away from a thread that could go on) that
     * {@link Strategy#EXHAUSTIVE} puts in one schedule.
     *
     * @param bound the preemption bound
     * @return changed options
     * @throws IllegalArgumentException if {@code bound} is negative
     */
    public ExploreOptions preemptionBound(int bound) {
        if (bound < 0) {
            throw new IllegalArgumentException("preemptionBound must not be negative: " + bound);
        }
        return new ExploreOptions(schedules, strategy, seed, depth, bound, maxSteps, replay, shrink, stepTimeout,
                uncontrolledTimeout);
    }

    /**
     * Sets the most steps of one schedule; a schedule that needs more fails as "did not
     * terminate" (a livelock or a spin loop through scheduling points).
     *
     * @param maxSteps the step bound
     * @return changed options
     * @throws IllegalArgumentException if {@code maxSteps} is not positive
     */
    public ExploreOptions maxSteps(int maxSteps) {
        if (maxSteps < 1) {
            throw new IllegalArgumentException("maxSteps must be positive: " + maxSteps);
        }
        return new ExploreOptions(schedules, strategy, seed, depth, preemptionBound, maxSteps, replay, shrink,
                stepTimeout, uncontrolledTimeout);
    }

    /**
     * Sets a recorded schedule to replay: the exploration runs only that schedule, and fails if
     * the scenario no longer follows it.
     *
     * @param schedule the recorded schedule, as printed by a failure report
     * @return changed options
     * @throws NullPointerException if {@code schedule} is null
     * @throws IllegalArgumentException if {@code schedule} is not a recorded schedule
     */
    public ExploreOptions replay(String schedule) {
        Schedules.decode(Objects.requireNonNull(schedule, "schedule"));
        return new ExploreOptions(schedules, strategy, seed, depth, preemptionBound, maxSteps, schedule, shrink,
                stepTimeout, uncontrolledTimeout);
    }

    /**
     * Sets whether a failure is shrunk: the explorer looks for a schedule with fewer preemptions
     * that fails the same way, and reports that one.
     *
     * @param shrink {@code false} to report the first failing schedule as found
     * @return changed options
     */
    public ExploreOptions shrink(boolean shrink) {
        return new ExploreOptions(schedules, strategy, seed, depth, preemptionBound, maxSteps, replay, shrink,
                stepTimeout, uncontrolledTimeout);
    }

    /**
     * Sets how long one step (a thread running from one scheduling point to the next) may take
     * in wall time before the thread is reported as blocked outside the model or spinning.
     *
     * @param timeout the step timeout
     * @return changed options
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public ExploreOptions stepTimeout(Duration timeout) {
        return new ExploreOptions(schedules, strategy, seed, depth, preemptionBound, maxSteps, replay, shrink,
                positive(timeout, "stepTimeout"), uncontrolledTimeout);
    }

    /**
     * Sets how long the explorer waits, when no controlled thread can run but one waits for
     * something outside the model (a sleep, a timed park, I/O, a contended monitor, a thread the
     * explorer does not control), for that thread to be woken from outside. The wake-up is
     * reported in the trace; a thread still waiting after this fails the schedule as uncontrolled.
     *
     * @param timeout the wait
     * @return changed options
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public ExploreOptions uncontrolledTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        return new ExploreOptions(schedules, strategy, seed, depth, preemptionBound, maxSteps, replay, shrink,
                stepTimeout, timeout);
    }

    private static Duration positive(Duration timeout, String name) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + timeout);
        }
        return timeout;
    }

    /**
     * Returns the number of schedules.
     *
     * @return the number of schedules
     */
    public int schedules() {
        return schedules;
    }

    /**
     * Returns the strategy.
     *
     * @return the strategy
     */
    public Strategy strategy() {
        return strategy;
    }

    /**
     * Returns the base seed, if one was set (otherwise a random one is drawn and reported).
     *
     * @return the seed
     */
    public OptionalLong seed() {
        return seed;
    }

    /**
     * Returns the PCT depth.
     *
     * @return the depth
     */
    public int depth() {
        return depth;
    }

    /**
     * Returns the preemption bound of {@link Strategy#EXHAUSTIVE}.
     *
     * @return the bound
     */
    public int preemptionBound() {
        return preemptionBound;
    }

    /**
     * Returns the step bound of one schedule.
     *
     * @return the step bound
     */
    public int maxSteps() {
        return maxSteps;
    }

    /**
     * Returns the schedule to replay, if any.
     *
     * @return the recorded schedule, or empty to explore
     */
    public java.util.Optional<String> replay() {
        return java.util.Optional.ofNullable(replay);
    }

    /**
     * Returns whether failures are shrunk.
     *
     * @return the setting
     */
    public boolean shrink() {
        return shrink;
    }

    /**
     * Returns the step timeout.
     *
     * @return the step timeout
     */
    public Duration stepTimeout() {
        return stepTimeout;
    }

    /**
     * Returns how long a thread blocked outside the model is waited for.
     *
     * @return the wait
     */
    public Duration uncontrolledTimeout() {
        return uncontrolledTimeout;
    }

    /** These options with the system properties applied. */
    ExploreOptions withSystemProperties() {
        ExploreOptions result = this;
        String replayed = System.getProperty(REPLAY_PROPERTY);
        if (replayed != null && !replayed.isBlank()) {
            result = result.replay(replayed.trim());
        }
        String seeded = System.getProperty(SEED_PROPERTY);
        if (seeded != null && !seeded.isBlank()) {
            result = result.seed(parseSeed(seeded.trim()));
        }
        return result;
    }

    static long parseSeed(String text) {
        try {
            return text.startsWith("0x") || text.startsWith("0X")
                    ? Long.parseUnsignedLong(text.substring(2), 16)
                    : Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("seed must be a decimal or 0x-hexadecimal long: " + text, e);
        }
    }

    @Override
    public String toString() {
        return "ExploreOptions[" + schedules + " schedules, " + Schedules.describe(strategy, depth, preemptionBound)
                + (seed.isPresent() ? ", seed " + Schedules.hex(seed.getAsLong()) : "")
                + (replay != null ? ", replay " + replay : "") + "]";
    }
}
