package dev.fearless.benchmarks;

import dev.fearless.lock.HeldLocks;
import dev.fearless.lock.Locks;
import dev.fearless.lock.OrderedLock;
import dev.fearless.lock.RankedLock;
import java.util.ArrayList;
import java.util.List;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Suite 3, multi-lock under contention: Howard Hinnant's dining philosophers ("Dining Philosophers
 * Rebooted", 2014) on virtual threads. Every diner is always hungry: it takes its forks with one
 * {@code Locks.lockAll} call, eats a meal (a fixed amount of CPU work, {@code Blackhole.consumeCPU}),
 * puts them down and asks again, {@value #MEALS} times. One invocation seats every diner and ends
 * when the last one has finished; the score is its wall time, so a strategy that starves a diner
 * pays for it.
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
    static final int MEALS = 40;
    /** CPU work of one meal ({@code Blackhole.consumeCPU} tokens, a few microseconds). */
    static final long MEAL_TOKENS = 2_000;

    /** The table. */
    @Param({"round-5", "round-32", "three-fork-6"})
    public String table;

    /** How each diner takes its forks. */
    @Param({"ORDERED", "BACK_OFF", "DEFAULT"})
    public String strategy;

    private List<List<RankedLock>> forksOfDiner;
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
            diners[i] = () -> {
                for (int meal = 0; meal < MEALS; meal++) {
                    try (HeldLocks _ = chosen == null ? Locks.lockAll(forks) : Locks.lockAll(chosen, forks)) {
                        Blackhole.consumeCPU(MEAL_TOKENS);
                    }
                }
                return MEALS;
            };
        }
        return Workers.runAll(diners);
    }
}
