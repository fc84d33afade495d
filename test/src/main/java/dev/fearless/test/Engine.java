package dev.fearless.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/** One exploration, run on its own platform thread (the carrier of every controlled thread). */
final class Engine implements Runnable {

    private static final int SHRINK_RUNS = 200;
    private static final long SHRINK_NANOS = 3_000_000_000L;
    private static final int TRACE_HEAD = 20;
    private static final int TRACE_TAIL = 60;

    private final ExploreOptions options;
    private final Scenario scenario;
    final long seed;
    /** The schedule running now; read by the watchdog. */
    volatile @Nullable Run run;
    private volatile boolean cancelled;
    /** Schedules started so far; read by the watchdog. */
    volatile int started;
    private volatile @Nullable Exploration result;
    private volatile @Nullable Throwable crash;

    Engine(ExploreOptions options, Scenario scenario) {
        this.options = options;
        this.scenario = scenario;
        this.seed = options.seed().orElseGet(() -> ThreadLocalRandom.current().nextLong());
    }

    void cancel() {
        cancelled = true;
    }

    @Nullable Exploration result() {
        return result;
    }

    @Nullable Throwable crash() {
        return crash;
    }

    @Override
    public void run() {
        try {
            result = explore();
        } catch (Throwable t) {
            crash = t;
        }
    }

    private Exploration explore() {
        Optional<String> replay = options.replay();
        if (replay.isPresent()) {
            Run replayed = execute(new Chooser.Replay(Schedules.decode(replay.get()), true), true);
            Optional<ExplorationFailure> failure = replayed.outcome == null ? Optional.empty()
                    : Optional.of(failure(replayed, 1, -1));
            return new Exploration(1, replayed.steps, false, seed, failure);
        }
        Chooser.Exhaustive exhaustive = options.strategy() == Strategy.EXHAUSTIVE
                ? new Chooser.Exhaustive(options.preemptionBound()) : null;
        int expectedSteps = 8; // PCT spreads change points over the longest schedule seen so far
        long steps = 0;
        int schedules = 0;
        boolean exhausted = false;
        for (int i = 0; i < options.schedules() && !cancelled; i++) {
            long scheduleSeed = Schedules.scheduleSeed(seed, i);
            Chooser chooser = switch (options.strategy()) {
                case RANDOM -> new Chooser.Random(scheduleSeed);
                case PCT -> new Chooser.Pct(scheduleSeed, options.depth(), expectedSteps);
                case EXHAUSTIVE -> {
                    java.util.Objects.requireNonNull(exhaustive).begin();
                    yield exhaustive;
                }
            };
            Run schedule = execute(chooser, false);
            schedules++;
            steps += schedule.steps;
            expectedSteps = Math.max(expectedSteps, schedule.steps);
            if (schedule.outcome != null) {
                int found = schedule.preemptions;
                Run reported = options.shrink() ? shrink(schedule) : schedule;
                boolean shrunk = reported != schedule;
                reported = described(reported);
                return new Exploration(schedules, steps, false, seed,
                        Optional.of(failure(reported, i + 1, shrunk ? found : -1)));
            }
            if (exhaustive != null && !exhaustive.advance()) {
                exhausted = true;
                break;
            }
        }
        return new Exploration(schedules, steps, exhausted, seed, Optional.empty());
    }

    /**
     * Re-runs a failing schedule exactly, describing each park from the thread's stack (which
     * operation, where in user code), and returns that run if it fails the same way.
     */
    private Run described(Run failing) {
        Run again = execute(new Chooser.Replay(failing.decisions, true), true);
        return again.outcome != null && again.outcome.key().equals(java.util.Objects.requireNonNull(failing.outcome).key())
                ? again : failing;
    }

    private Run execute(Chooser chooser, boolean verbose) {
        Run schedule = new Run(options, chooser, verbose);
        started++;
        run = schedule;
        try {
            schedule.execute(scenario);
        } finally {
            run = null;
        }
        return schedule;
    }

    /** Greedily removes preemptions while the schedule still fails the same way. */
    private Run shrink(Run failing) {
        String key = java.util.Objects.requireNonNull(failing.outcome).key();
        long deadline = System.nanoTime() + SHRINK_NANOS;
        int budget = SHRINK_RUNS;
        Run best = failing;
        boolean improved = true;
        while (improved && budget > 0 && !cancelled) {
            improved = false;
            List<Boolean> preempted = preemptionsOf(best);
            for (int d = 0; d < preempted.size() && budget > 0 && System.nanoTime() < deadline; d++) {
                if (!preempted.get(d)) {
                    continue;
                }
                List<Integer> candidate = new ArrayList<>(best.decisions);
                candidate.set(d, -1);
                Run attempt = execute(new Chooser.Replay(candidate, false), false);
                budget--;
                if (attempt.outcome != null && attempt.outcome.key().equals(key)
                        && attempt.preemptions < best.preemptions) {
                    best = attempt;
                    improved = true;
                    break;
                }
            }
        }
        return best;
    }

    private static List<Boolean> preemptionsOf(Run run) {
        List<Boolean> preempted = new ArrayList<>();
        for (Run.Step step : run.trace) {
            if (step.decision()) {
                preempted.add(step.preempted());
            }
        }
        return preempted;
    }

    /** Builds the report. {@code foundPreemptions} is -1 when the schedule was not shrunk. */
    ExplorationFailure failure(Run failing, int schedule, int foundPreemptions) {
        Run.Outcome outcome = java.util.Objects.requireNonNull(failing.outcome);
        String token = Schedules.encode(failing.decisions);
        List<String> trace = new ArrayList<>();
        for (Run.Step step : failing.trace) {
            trace.add((step.preempted() ? "*" : "") + step.thread() + " " + step.event());
        }
        StringBuilder text = new StringBuilder(outcome.message().strip()).append('\n');
        text.append("  strategy ").append(Schedules.describe(options.strategy(), options.depth(),
                options.preemptionBound()));
        if (options.replay().isPresent()) {
            text.append(", replaying a recorded schedule\n");
        } else {
            text.append(", seed ").append(Schedules.hex(seed)).append(", schedule ").append(schedule)
                    .append(" of at most ").append(options.schedules()).append('\n');
        }
        text.append("  ").append(failing.steps).append(" steps, ").append(failing.preemptions).append(" preemptions");
        if (foundPreemptions >= 0) {
            text.append(" (shrunk from ").append(foundPreemptions).append(')');
        }
        text.append('\n');
        if (failing.outsideWakeups > 0) {
            text.append("  warning: ").append(failing.outsideWakeups).append(" wake-ups came from outside the"
                    + " explorer; a replay may not follow the same path\n");
        }
        text.append("  schedule (* = preemption; the replay line numbers threads 0 = main, 1 = T1, ...):\n");
        int n = trace.size();
        for (int i = 0; i < n; i++) {
            if (n > TRACE_HEAD + TRACE_TAIL && i == TRACE_HEAD) {
                text.append("      ... ").append(n - TRACE_HEAD - TRACE_TAIL).append(" steps ...\n");
                i = n - TRACE_TAIL;
            }
            text.append(String.format("    %5d %s%n", i + 1, trace.get(i)));
        }
        text.append("  replay: -D").append(ExploreOptions.REPLAY_PROPERTY).append('=').append(token)
                .append("\n      or @ReplaySchedule(\"").append(token).append("\")");
        if (options.replay().isEmpty()) {
            text.append("\n  explore the same schedules again: -D").append(ExploreOptions.SEED_PROPERTY).append('=')
                    .append(Schedules.hex(seed));
        }
        return new ExplorationFailure(text.toString(), outcome.cause(), outcome.kind(), options.strategy(), seed,
                schedule, failing.steps, failing.preemptions, token, trace);
    }

    /** Report for a step that never came back to the scheduler. */
    ExplorationFailure stuck(Run stuck) {
        Controlled thread = stuck.current;
        String name = thread == null ? "a controlled thread" : thread.name;
        String where = "";
        if (thread != null) {
            StackTraceElement[] stack = thread.thread().getStackTrace();
            String user = Stacks.userFrame(stack);
            where = " (in " + Stacks.operation(stack) + (user == null ? "" : ", at " + user) + ")";
        }
        stuck.outcome = new Run.Outcome(ExplorationFailure.Kind.UNCONTROLLED, name + " did not reach a scheduling"
                + " point within " + options.stepTimeout() + where + ": it is blocked outside the model (file I/O,"
                + " a native call, a lock of a thread the explorer does not run) or it spins without"
                + " Explorer.point. The explorer abandoned this schedule and its carrier thread.", null);
        return failure(stuck, started, -1);
    }
}
