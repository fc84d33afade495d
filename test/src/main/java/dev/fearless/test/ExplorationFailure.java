package dev.fearless.test;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A schedule under which the scenario failed: what went wrong, under which strategy and seed,
 * the schedule as a short trace of decisions, and the line that replays it. Its message is the
 * whole report; its cause is the scenario's exception, if there was one.
 *
 * <pre>{@code
 * Exploration result = Explorer.search(ExploreOptions.defaults().seed(7), scenario);
 * result.failure().ifPresent(failure -> System.out.println(failure.replay()));
 * }</pre>
 */
public final class ExplorationFailure extends AssertionError {

    private static final long serialVersionUID = 1L;

    /**
     * What kind of failure a schedule found.
     *
     * <pre>{@code
     * assertEquals(ExplorationFailure.Kind.DEADLOCK, failure.kind());
     * }</pre>
     */
    public enum Kind {
        /** The scenario threw, or a controlled thread ended with an uncaught exception. */
        FAILED,
        /** No controlled thread could run, and none waited for anything outside the model. */
        DEADLOCK,
        /** The schedule went over the step bound (a livelock, or a loop through scheduling points). */
        DID_NOT_TERMINATE,
        /** A thread blocked outside the model (sleep, I/O, a monitor) and was not woken in time. */
        UNCONTROLLED,
        /** A replayed schedule no longer matched what the scenario did. */
        REPLAY_DIVERGED
    }

    /** What kind of failure the schedule ended in. */
    private final Kind kind;
    /** The strategy that found the failure. */
    private final Strategy strategy;
    /** The base seed of the exploration. */
    private final long seed;
    /** The number of the failing schedule in its run, from 1. */
    private final int schedule;
    /** The steps of the reported schedule. */
    private final int steps;
    /** The preemptions in the reported (shrunk) schedule. */
    private final int preemptions;
    /** The text that replays the schedule (for {@code -Dfearless.explore.replay}). */
    private final String replay;
    private final transient List<String> trace;

    ExplorationFailure(String message, @Nullable Throwable cause, Kind kind, Strategy strategy, long seed,
            int schedule, int steps, int preemptions, String replay, List<String> trace) {
        super(message, cause);
        this.kind = kind;
        this.strategy = strategy;
        this.seed = seed;
        this.schedule = schedule;
        this.steps = steps;
        this.preemptions = preemptions;
        this.replay = replay;
        this.trace = List.copyOf(trace);
    }

    /**
     * Returns the kind of failure.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * Returns the strategy that found the failure.
     *
     * @return the strategy
     */
    public Strategy strategy() {
        return strategy;
    }

    /**
     * Returns the base seed of the exploration.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    /**
     * Returns the number of the failing schedule, from 1: how many schedules the exploration ran
     * to find it.
     *
     * @return the schedule number
     */
    public int schedule() {
        return schedule;
    }

    /**
     * Returns the number of steps of the reported schedule.
     *
     * @return the steps
     */
    public int steps() {
        return steps;
    }

    /**
     * Returns the number of preemptions in the reported (shrunk) schedule.
     *
     * @return the preemptions
     */
    public int preemptions() {
        return preemptions;
    }

    /**
     * Returns the recorded schedule, for {@link ExploreOptions#replay(String)},
     * {@link ReplaySchedule} or {@value ExploreOptions#REPLAY_PROPERTY}.
     *
     * @return the recorded schedule
     */
    public String replay() {
        return replay;
    }

    /**
     * Returns the steps of the reported schedule, one line each ({@code "T1 point \"read\""}); a
     * leading {@code *} marks a preemption.
     *
     * @return the trace
     */
    public List<String> trace() {
        return trace;
    }
}
