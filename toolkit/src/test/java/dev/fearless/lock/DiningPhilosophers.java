package dev.fearless.lock;

import dev.fearless.lock.Locks.Strategy;
import dev.fearless.testing.ThreadKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Howard Hinnant's round table ("Dining Philosophers Rebooted", 2014) on virtual threads: the
 * measurement behind {@link Locks#defaultStrategy()}. Not part of the build; run it with
 *
 * <pre>
 * mvn -pl toolkit verify -Dtest=DiningPhilosophers -Dfearless.dining=true -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * and read the table in {@code toolkit/target/surefire-reports/dev.fearless.lock.DiningPhilosophers-output.txt}.
 *
 * <p>N diners sit at a round table with one fork between each pair; diner i eats with forks i and
 * i + 1 (mod N), taken together with {@link Locks#lockAll(Strategy, java.util.Collection)}. Each
 * diner is always hungry: it eats meals of 1 to 10 ms (uniformly random; eating is parking, as
 * Hinnant's diners sleep) until it has eaten {@value #EAT_MILLIS} ms in total, asking for its
 * forks again as soon as a meal ends. At most floor(N / 2) diners eat at once, so the ideal wall
 * time is N * total / floor(N / 2); the closer a strategy gets to it, the better it shares the
 * forks under contention.
 */
@EnabledIfSystemProperty(named = "fearless.dining", matches = "true")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DiningPhilosophers {

    private static final long EAT_MILLIS = 2_000;
    private static final int ROUNDS = 3;

    @Test
    void roundTable() throws Exception {
        List<String> rows = new ArrayList<>();
        rows.add(String.format(Locale.ROOT, "%-7s %-9s %-9s %10s %10s %12s", "diners", "ideal", "strategy",
                "wall (s)", "meals", "worst wait"));
        for (int diners : new int[] {5, 32}) {
            double ideal = diners * (EAT_MILLIS / 1000.0) / (diners / 2);
            for (int round = 0; round < ROUNDS; round++) {
                for (Strategy strategy : Strategy.values()) {
                    Result result = dine(diners, strategy);
                    rows.add(String.format(Locale.ROOT, "%-7d %-9.2f %-9s %10.2f %10d %9.1f ms", diners, ideal,
                            strategy, result.wall.toMillis() / 1000.0, result.meals, result.worstWaitNanos / 1e6));
                }
            }
        }
        System.out.println("Dining philosophers, " + Runtime.getRuntime().availableProcessors() + " cores, "
                + Runtime.version() + ", each diner eats " + EAT_MILLIS + " ms in meals of 1-10 ms");
        rows.forEach(System.out::println);
    }

    private record Result(Duration wall, long meals, long worstWaitNanos) {}

    private static Result dine(int diners, Strategy strategy) throws InterruptedException {
        OrderedLock[] forks = new OrderedLock[diners];
        for (int i = 0; i < diners; i++) {
            forks[i] = new OrderedLock("fork-" + i);
        }
        AtomicLong meals = new AtomicLong();
        AtomicLong worstWait = new AtomicLong();
        Queue<Throwable> failures = ThreadKind.failures();
        List<Thread> table = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < diners; i++) {
            List<RankedLock> myForks = List.of(forks[i], forks[(i + 1) % diners]);
            table.add(ThreadKind.VIRTUAL.start(failures, () -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                long eaten = 0;
                while (eaten < EAT_MILLIS * 1_000_000) {
                    long hungrySince = System.nanoTime();
                    try (HeldLocks _ = Locks.lockAll(strategy, myForks)) {
                        worstWait.accumulateAndGet(System.nanoTime() - hungrySince, Math::max);
                        long meal = random.nextLong(1_000_000, 10_000_001);
                        LockSupport.parkNanos(meal);
                        eaten += meal;
                    }
                    meals.incrementAndGet();
                }
            }));
        }
        for (Thread diner : table) {
            diner.join(); // no bound: a starving diner is what this measures (the class has a timeout)
        }
        ThreadKind.joinAll(failures, table);
        return new Result(Duration.ofNanos(System.nanoTime() - start), meals.get(), worstWait.get());
    }
}
