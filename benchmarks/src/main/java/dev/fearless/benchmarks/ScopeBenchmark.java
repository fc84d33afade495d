package dev.fearless.benchmarks;

import dev.fearless.scope.Scope;
import dev.fearless.scope.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * Suite 1, scopes: open a scope, fork {@code tasks} trivial tasks (each on its own virtual thread),
 * join, read every result, close. The score is the time for the whole scope; divide by
 * {@code tasks} for the per-task cost. Each invocation runs {@value #SCOPES} scopes in a row on
 * the owner: JMH's platform thread ({@code owner=platform}), or one virtual thread started and
 * joined by the invocation ({@code owner=virtual}, the usual case; the start and the final join are
 * amortized over the {@value #SCOPES} scopes).
 *
 * <p>Peers: the JDK 25 preview {@code StructuredTaskScope} (default joiner, all must succeed), Jox
 * {@code Scopes.supervised} with {@code fork}, {@code newVirtualThreadPerTaskExecutor()} closed by
 * try-with-resources with one {@code Future} per task, and {@code CompletableFuture.supplyAsync} on a
 * thread-per-task virtual executor joined through {@code allOf}.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-preview")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ScopeBenchmark {

    /** Tasks forked per scope. */
    @Param({"1", "10", "1000"})
    public int tasks;

    /** The thread that opens, joins and closes the scopes: {@code virtual} or {@code platform}. */
    @Param({"virtual", "platform"})
    public String owner;

    /** Scopes per invocation. */
    static final int SCOPES = 16;

    /** One scope: returns the sum of its results. */
    @FunctionalInterface
    private interface Body {
        long run() throws Exception;
    }

    private long own(Body body) throws Exception {
        Workers.Loop scopes = () -> {
            long sum = 0;
            for (int i = 0; i < SCOPES; i++) {
                sum += body.run();
            }
            return sum;
        };
        return owner.equals("platform") ? scopes.run() : Workers.runAll(scopes);
    }

    private static final Integer RESULT = 42;
    private static final Callable<Integer> TASK = () -> RESULT;
    private static final Executor VIRTUAL_THREAD_PER_TASK = command -> Thread.ofVirtual().start(command);

    /** Creates the state; JMH sets the parameters. */
    public ScopeBenchmark() {}

    /**
     * Fearless {@code Scope.open()}: all must succeed.
     *
     * @return the sum of the results
     * @throws Exception never, in practice
     */
    @Benchmark
    @OperationsPerInvocation(SCOPES)
    public long fearless() throws Exception {
        return own(this::fearlessScope);
    }

    private long fearlessScope() throws InterruptedException {
        long sum = 0;
        try (var scope = Scope.open()) {
            List<Task<Integer>> forked = new ArrayList<>(tasks);
            for (int i = 0; i < tasks; i++) {
                forked.add(scope.fork(TASK));
            }
            scope.join();
            for (Task<Integer> task : forked) {
                sum += task.get();
            }
        }
        return sum;
    }

    /**
     * The JDK 25 preview {@code StructuredTaskScope.open()}: all must succeed.
     *
     * @return the sum of the results
     * @throws Exception never, in practice
     */
    @Benchmark
    @OperationsPerInvocation(SCOPES)
    public long jdkStructuredTaskScope() throws Exception {
        return own(this::jdkStructuredTaskScopeScope);
    }

    private long jdkStructuredTaskScopeScope() throws InterruptedException {
        long sum = 0;
        try (var scope = StructuredTaskScope.open()) {
            List<StructuredTaskScope.Subtask<Integer>> forked = new ArrayList<>(tasks);
            for (int i = 0; i < tasks; i++) {
                forked.add(scope.fork(TASK));
            }
            scope.join();
            for (StructuredTaskScope.Subtask<Integer> subtask : forked) {
                sum += subtask.get();
            }
        }
        return sum;
    }

    /**
     * Jox {@code Scopes.supervised} with {@code fork}.
     *
     * @return the sum of the results
     * @throws Exception never, in practice
     */
    @Benchmark
    @OperationsPerInvocation(SCOPES)
    public long joxSupervised() throws Exception {
        return own(this::joxSupervisedScope);
    }

    private long joxSupervisedScope() throws Exception {
        return com.softwaremill.jox.structured.Scopes.supervised(scope -> {
            List<com.softwaremill.jox.structured.Fork<Integer>> forked = new ArrayList<>(tasks);
            for (int i = 0; i < tasks; i++) {
                forked.add(scope.fork(TASK));
            }
            long sum = 0;
            for (var fork : forked) {
                sum += fork.join();
            }
            return sum;
        });
    }

    /**
     * {@code newVirtualThreadPerTaskExecutor()} as a scope: one future per task, closed (and so
     * waited for) by try-with-resources.
     *
     * @return the sum of the results
     * @throws Exception never, in practice
     */
    @Benchmark
    @OperationsPerInvocation(SCOPES)
    public long virtualThreadExecutor() throws Exception {
        return own(this::virtualThreadExecutorScope);
    }

    private long virtualThreadExecutorScope() throws InterruptedException, ExecutionException {
        long sum = 0;
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> forked = new ArrayList<>(tasks);
            for (int i = 0; i < tasks; i++) {
                forked.add(executor.submit(TASK));
            }
            for (Future<Integer> future : forked) {
                sum += future.get();
            }
        }
        return sum;
    }

    /**
     * {@code CompletableFuture.supplyAsync} with one new virtual thread per task, joined by
     * {@code allOf(...).join()}.
     *
     * @return the sum of the results
     */
    @Benchmark
    @OperationsPerInvocation(SCOPES)
    public long completableFuture() throws Exception {
        return own(this::completableFutureScope);
    }

    private long completableFutureScope() {
        List<CompletableFuture<Integer>> forked = new ArrayList<>(tasks);
        for (int i = 0; i < tasks; i++) {
            forked.add(CompletableFuture.supplyAsync(() -> RESULT, VIRTUAL_THREAD_PER_TASK));
        }
        CompletableFuture.allOf(forked.toArray(CompletableFuture<?>[]::new)).join();
        long sum = 0;
        for (CompletableFuture<Integer> future : forked) {
            sum += future.join();
        }
        return sum;
    }
}
