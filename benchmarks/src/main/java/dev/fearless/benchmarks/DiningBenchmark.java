package dev.fearless.benchmarks;

import dev.fearless.lock.HeldLocks;
import dev.fearless.lock.Locks;
import dev.fearless.lock.OrderedLock;
import dev.fearless.lock.RankedLock;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Suite 3, multi-lock under contention: Howard Hinnant's dining philosophers ("Dining Philosophers
 * Rebooted", 2014) on virtual threads. Every diner is always hungry: it takes its forks with one
 * {@code Locks.lockAll} call, eats a meal (sleeps {@value #MIN_MEAL_MICROS}–{@value #MAX_MEAL_MICROS}
 * µs, as Hinnant's diners do, so that the table and not the two CPUs limits how many eat at
 * once), puts them down and asks again, {@value #MEALS} times. The meal lengths are drawn once,
 * with a fixed seed, so every strategy serves the same meals. One invocation seats every diner and
 * ends when the last one has finished; the score is its wall time, so a strategy that starves a
 * diner pays for it. The ideal is the total meal time divided by how many can eat at once
 * (floor(N / 2) on a round table, 2 on the three-fork table).
 *
 * <p>Tables: {@code round-5} and {@code round-32} (diner i eats with forks i and i+1), and
 * {@code three-fork-6} (six diners, six forks, diner i eats with forks i, i+1 and i+2: at most two
 * eat at once, and every set overlaps four others). Strategies: {@code ORDERED} (rank order),
 * {@code BACK_OFF} (smart &amp; polite) and {@code DEFAULT} ({@code Locks.lockAll} without a
 * strategy, whatever the toolkit chose).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-preview")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DiningBenchmark {

    /** Meals each diner eats per invocation. */
    static final int MEALS = 20;
    /** Shortest meal. */
    static final int MIN_MEAL_MICROS = 100;
    /** Longest meal. */
    static final int MAX_MEAL_MICROS = 500;

    /** The table. */
    @Param({"round-5", "round-32", "three-fork-6"})
    public String table;

    /** How each diner takes its forks. */
    @Param({"ORDERED", "BACK_OFF", "DEFAULT"})
    public String strategy;

    private List<List<RankedLock>> forksOfDiner;
    private long[][] mealNanos; // [diner][meal]
    private Locks.Strategy chosen; // null: the default

    /** Creates the state; JMH sets the parameters. */
    public DiningBenchmark() {}

    /** Lays the table (outside the measurement). */
    @Setup(Level.Trial)
    public void layTable() {
        int diners;
        int forksEach;
        switch (table) {
            case "round-5" -> { diners = 5; forksEach = 2; }
            case "round-32" -> { diners = 32; forksEach = 2; }
            case "three-fork-6" -> { diners = 6; forksEach = 3; }
            default -> throw new IllegalArgumentException("table: " + table);
        }
        OrderedLock[] forks = new OrderedLock[diners];
        for (int i = 0; i < diners; i++) {
            forks[i] = new OrderedLock("fork-" + i);
        }
        forksOfDiner = new ArrayList<>();
        for (int i = 0; i < diners; i++) {
            List<RankedLock> mine = new ArrayList<>();
            for (int k = 0; k < forksEach; k++) {
                mine.add(forks[(i + k) % diners]);
            }
            forksOfDiner.add(List.copyOf(mine));
        }
        SplittableRandom random = new SplittableRandom(2014);
        mealNanos = new long[diners][MEALS];
        for (long[] meals : mealNanos) {
            for (int meal = 0; meal < MEALS; meal++) {
                meals[meal] = TimeUnit.MICROSECONDS.toNanos(random.nextInt(MIN_MEAL_MICROS, MAX_MEAL_MICROS + 1));
            }
        }
        chosen = strategy.equals("DEFAULT") ? null : Locks.Strategy.valueOf(strategy);
    }

    /**
     * Seats every diner on its own virtual thread and waits until all have eaten.
     *
     * @return the number of meals eaten
     * @throws InterruptedException never, in practice
     */
    @Benchmark
    public long dine() throws InterruptedException {
        Workers.Loop[] diners = new Workers.Loop[forksOfDiner.size()];
        for (int i = 0; i < diners.length; i++) {
            List<RankedLock> forks = forksOfDiner.get(i);
            long[] meals = mealNanos[i];
            diners[i] = () -> {
                for (long meal : meals) {
                    try (HeldLocks _ = chosen == null ? Locks.lockAll(forks) : Locks.lockAll(chosen, forks)) {
                        Thread.sleep(Duration.ofNanos(meal));
                    }
                }
                return meals.length;
            };
        }
        return Workers.runAll(diners);
    }
}
