package dev.fearless.benchmarks;

import dev.fearless.scope.Scope;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Suite 1, the scope shapes {@link ScopeBenchmark} does not cover, Fearless {@code Scope.open()}
 * vs the JDK 25 preview {@code StructuredTaskScope.open()}, the owner on a virtual or on JMH's
 * platform thread ({@code owner}):
 * <ul>
 *   <li>{@code perTask1000} / {@code perTask100000}: one scope of 1,000 or 100,000 trivial tasks;
 *       the score is <em>per task</em>, so a flat cost shows as equal scores;
 *   <li>{@code nested}: a scope of {@value #FAN} tasks, each opening its own scope of
 *       {@value #FAN} trivial tasks ({@value #FAN}² leaves); per outer scope;
 *   <li>{@code failure}: {@value #SIBLINGS} tasks that wait (a minute, or until cancelled) and one
 *       that throws; per scope, until {@code join} has thrown and the scope is closed, that is
 *       until the first failure has cancelled and waited for every sibling.
 * </ul>
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-preview")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ScopeShapeBenchmark {

    /** Tasks per scope, and scopes per nested scope. */
    static final int FAN = 10;

    /** Waiting siblings of the failing task. */
    static final int SIBLINGS = 1_000;

    /** The thread that opens, joins and closes the scope: {@code virtual} or {@code platform}. */
    @Param({"virtual", "platform"})
    public String owner;

    private static final Integer RESULT = 42;
    private static final Callable<Integer> TASK = () -> RESULT;
    private static final Callable<Integer> WAIT = () -> {
        Thread.sleep(Duration.ofMinutes(1));
        return RESULT;
    };
    private static final Callable<Integer> FAIL = () -> {
        throw new IllegalStateException("the first failure");
    };

    /** Creates the state; JMH sets the parameters. */
    public ScopeShapeBenchmark() {}

    private long own(Workers.Loop body) throws Exception {
        return owner.equals("platform") ? body.run() : Workers.runAll(body);
    }

    // ------------------------------------------------------------------ size

    private static long fearless(int tasks) throws InterruptedException {
        try (var scope = Scope.open()) {
            for (int i = 0; i < tasks; i++) {
                scope.fork(TASK);
            }
            scope.join();
        }
        return tasks;
    }

    private static long jdk(int tasks) throws InterruptedException {
        try (var scope = StructuredTaskScope.open()) {
            for (int i = 0; i < tasks; i++) {
                scope.fork(TASK);
            }
            scope.join();
        }
        return tasks;
    }

    /**
     * Fearless, 1,000 tasks; per task.
     *
     * @return the task count
     * @throws Exception never, in practice
     */
    @Benchmark
    @OperationsPerInvocation(1_000)
    public long perTask1000Fearless() throws Exception {
        return own(() -> fearless(1_000));
    }

    /**
     * Fearless, 100,000 tasks; per task.
     *
     * @return the task count
     * @throws Exception never, in practice
     */
    @Benchmark
    @OperationsPerInvocation(100_000)
    public long perTask100000Fearless() throws Exception {
        return own(() -> fearless(100_000));
    }

    /**
     * JDK, 1,000 tasks; per task.
     *
     * @return the task count
     * @throws Exception never, in practice
     */
    @Benchmark
    @OperationsPerInvocation(1_000)
    public long perTask1000Jdk() throws Exception {
        return own(() -> jdk(1_000));
    }

    /**
     * JDK, 100,000 tasks; per task.
     *
     * @return the task count
     * @throws Exception never, in practice
     */
    @Benchmark
    @OperationsPerInvocation(100_000)
    public long perTask100000Jdk() throws Exception {
        return own(() -> jdk(100_000));
    }

    // ------------------------------------------------------------------ nested

    /**
     * Fearless, {@value #FAN} scopes of {@value #FAN} tasks inside one scope.
     *
     * @return the leaf count
     * @throws Exception never, in practice
     */
    @Benchmark
    public long nestedFearless() throws Exception {
        return own(() -> {
            try (var scope = Scope.open()) {
                for (int i = 0; i < FAN; i++) {
                    scope.fork(() -> fearless(FAN));
                }
                scope.join();
            }
            return FAN * FAN;
        });
    }

    /**
     * JDK, {@value #FAN} scopes of {@value #FAN} tasks inside one scope.
     *
     * @return the leaf count
     * @throws Exception never, in practice
     */
    @Benchmark
    public long nestedJdk() throws Exception {
        return own(() -> {
            try (var scope = StructuredTaskScope.open()) {
                for (int i = 0; i < FAN; i++) {
                    scope.fork(() -> jdk(FAN));
                }
                scope.join();
            }
            return FAN * FAN;
        });
    }

    // ------------------------------------------------------------------ failure fan-out

    /**
     * Fearless: the first failure cancels {@value #SIBLINGS} waiting siblings.
     *
     * @return 1
     * @throws Exception if the scope did not fail
     */
    @Benchmark
    public long failureFearless() throws Exception {
        return own(() -> {
            try (var scope = Scope.open()) {
                for (int i = 0; i < SIBLINGS; i++) {
                    scope.fork(WAIT);
                }
                scope.fork(FAIL);
                scope.join();
            } catch (RuntimeException expected) {
                return 1;
            }
            throw new IllegalStateException("the scope did not fail");
        });
    }

    /**
     * JDK: the first failure cancels {@value #SIBLINGS} waiting siblings.
     *
     * @return 1
     * @throws Exception if the scope did not fail
     */
    @Benchmark
    public long failureJdk() throws Exception {
        return own(() -> {
            try (var scope = StructuredTaskScope.open()) {
                for (int i = 0; i < SIBLINGS; i++) {
                    scope.fork(WAIT);
                }
                scope.fork(FAIL);
                scope.join();
            } catch (StructuredTaskScope.FailedException expected) {
                return 1;
            }
            throw new IllegalStateException("the scope did not fail");
        });
    }
}
