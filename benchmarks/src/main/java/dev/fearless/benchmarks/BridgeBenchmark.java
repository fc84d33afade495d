package dev.fearless.benchmarks;

import dev.fearless.bridge.Bridge;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Suite 6, {@code Bridge.await}: of a stage that is already complete (on JMH's thread), and of a
 * stage that a new virtual thread completes later ({@value #LATER} in a row on one virtual owner,
 * which is where {@code await} is meant to run), against {@code CompletableFuture.get()} doing the
 * same.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-preview")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BridgeBenchmark {

    /** Awaits of a later stage per invocation. */
    static final int LATER = 100;

    private static final Integer RESULT = 42;

    private final CompletableFuture<Integer> completed = CompletableFuture.completedFuture(RESULT);
    private final CompletionStage<Integer> completedStage = completed;

    /** Creates the state. */
    public BridgeBenchmark() {}

    /**
     * {@code Bridge.await} of a completed stage.
     *
     * @return the value
     * @throws InterruptedException never, in practice
     */
    @Benchmark
    public Integer awaitCompletedFearless() throws InterruptedException {
        return Bridge.await(completedStage);
    }

    /**
     * {@code CompletableFuture.get} of a completed future.
     *
     * @return the value
     * @throws Exception never, in practice
     */
    @Benchmark
    public Integer awaitCompletedJdk() throws Exception {
        return completed.get();
    }

    /**
     * {@code Bridge.await} of a stage a new virtual thread completes.
     *
     * @return the sum of the values
     * @throws Exception never, in practice
     */
    @Benchmark
    @OperationsPerInvocation(LATER)
    public long awaitLaterFearless() throws Exception {
        return Workers.runAll(() -> {
            long sum = 0;
            for (int i = 0; i < LATER; i++) {
                CompletableFuture<Integer> later = new CompletableFuture<>();
                Thread.ofVirtual().start(() -> later.complete(RESULT));
                sum += Bridge.await(later);
            }
            return sum;
        });
    }

    /**
     * {@code CompletableFuture.get} of a future a new virtual thread completes.
     *
     * @return the sum of the values
     * @throws Exception never, in practice
     */
    @Benchmark
    @OperationsPerInvocation(LATER)
    public long awaitLaterJdk() throws Exception {
        return Workers.runAll(() -> {
            long sum = 0;
            for (int i = 0; i < LATER; i++) {
                CompletableFuture<Integer> later = new CompletableFuture<>();
                Thread.ofVirtual().start(() -> later.complete(RESULT));
                sum += later.get();
            }
            return sum;
        });
    }
}
