package dev.fearless.test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The figures of docs/testing.md: for each corpus bug, schedules to the first failure per
 * strategy, failures among 1,000 plain repetitions, and identical replays out of 100; and the
 * explorer's speed. Not part of the normal build:
 * {@code mvn -o -pl test -am verify -Dtest=CorpusStatsTest -Dfearless.corpus.stats=true -Dsurefire.failIfNoSpecifiedTests=false}
 * writes {@code test/target/corpus-stats.md}.
 */
@EnabledIfSystemProperty(named = "fearless.corpus.stats", matches = "true")
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class CorpusStatsTest {

    private static final int LIMIT = 10_000;
    private static final int PLAIN = 1000;

    @Test
    void measure() throws Exception {
        StringBuilder table = new StringBuilder();
        table.append("| bug | RANDOM | PCT (d=3) | EXHAUSTIVE (pb=2) | plain runs failing of 1000 | replays identical |\n");
        table.append("|---|---|---|---|---|---|\n");
        String only = System.getProperty("fearless.corpus.only", ""); // measure only the bugs whose name contains it
        for (Corpus.Bug bug : Corpus.all()) {
            if (!bug.name().contains(only)) {
                continue;
            }
            ExplorationFailure random = firstFailure(ExploreOptions.defaults().strategy(Strategy.RANDOM), bug);
            ExplorationFailure pct = firstFailure(ExploreOptions.defaults().strategy(Strategy.PCT).depth(3), bug);
            ExplorationFailure exhaustive = firstFailure(ExploreOptions.defaults().strategy(Strategy.EXHAUSTIVE)
                    .preemptionBound(2), bug);
            int identical = 0;
            if (random != null) {
                for (int i = 0; i < 100; i++) {
                    ExplorationFailure again = Explorer.search(ExploreOptions.replaying(random.replay()), bug.buggy())
                            .failure().orElse(null);
                    if (again != null && again.kind() == random.kind() && again.trace().equals(random.trace())) {
                        identical++;
                    }
                }
            }
            System.err.println("measured " + bug.name());
            table.append("| ").append(bug.name()).append(" | ").append(count(random)).append(" | ")
                    .append(count(pct)).append(" | ").append(count(exhaustive)).append(" | ")
                    .append(plainFailures(bug)).append(" | ").append(identical).append("/100 |\n");
        }
        table.append('\n').append(speed()).append('\n');
        System.out.println(table);
        Files.writeString(Path.of("target", "corpus-stats.md"), table);
    }

    private static ExplorationFailure firstFailure(ExploreOptions options, Corpus.Bug bug) throws Exception {
        return Explorer.search(options.seed(1).schedules(LIMIT).shrink(false), bug.buggy()).failure().orElse(null);
    }

    private static String count(ExplorationFailure failure) {
        return failure == null ? "not in " + LIMIT : String.valueOf(failure.schedule());
    }

    /**
     * Runs the buggy scenario as an ordinary test would, 1,000 times; a run over 200 ms counts as
     * hung (its threads are left parked), and after 20 hangs the count stops.
     */
    private static String plainFailures(Corpus.Bug bug) throws InterruptedException {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        java.util.concurrent.atomic.AtomicInteger uncaught = new java.util.concurrent.atomic.AtomicInteger();
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> uncaught.incrementAndGet());
        try {
            return plainFailures(bug, uncaught);
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
    }

    /** A run fails if the scenario throws or hangs, or one of its threads dies of an exception. */
    private static String plainFailures(Corpus.Bug bug, java.util.concurrent.atomic.AtomicInteger uncaught)
            throws InterruptedException {
        int failed = 0;
        int hung = 0;
        int runs = 0;
        for (int i = 0; i < PLAIN && hung < 20; i++) {
            runs++;
            boolean[] ok = {false};
            int uncaughtBefore = uncaught.get();
            Thread run = Thread.ofPlatform().daemon().start(() -> {
                try {
                    bug.buggy().run();
                    ok[0] = true;
                } catch (Throwable t) {
                    ok[0] = false;
                }
            });
            if (!run.join(Duration.ofMillis(200))) {
                hung++;
            } else if (!ok[0] || uncaught.get() != uncaughtBefore) {
                failed++;
            }
        }
        return (failed + hung) + (runs < PLAIN ? " of " + runs + " (stopped after 20 hangs)"
                : hung > 0 ? " (" + hung + " hung)" : "");
    }

    /** Schedules per second for 3 threads of 10 operations each (points and a lock). */
    private static String speed() throws Exception {
        Scenario scenario = () -> {
            ReentrantLock lock = new ReentrantLock();
            int[] counter = {0};
            Runnable work = () -> {
                for (int i = 0; i < 5; i++) {
                    Explorer.point("read");
                    lock.lock();
                    counter[0]++;
                    lock.unlock();
                }
            };
            Thread a = Explorer.threadFactory().newThread(work);
            Thread b = Explorer.threadFactory().newThread(work);
            Thread c = Explorer.threadFactory().newThread(work);
            a.start();
            b.start();
            c.start();
            a.join();
            b.join();
            c.join();
        };
        Explorer.explore(ExploreOptions.defaults().schedules(2000).seed(1), scenario); // warm-up
        StringBuilder text = new StringBuilder();
        for (Strategy strategy : new Strategy[] {Strategy.RANDOM, Strategy.PCT}) {
            long start = System.nanoTime();
            Exploration result = Explorer.explore(ExploreOptions.defaults().schedules(5000).seed(2).strategy(strategy),
                    scenario);
            double seconds = (System.nanoTime() - start) / 1e9;
            text.append(String.format("speed %s: %d schedules, %.1f steps each, %.0f schedules/s, %.0f steps/s%n",
                    strategy, result.schedules(), (double) result.steps() / result.schedules(),
                    result.schedules() / seconds, result.steps() / seconds));
        }
        return text.toString();
    }
}
