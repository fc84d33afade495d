package dev.fearless.benchmarks;

import dev.fearless.bridge.Bridge;
import dev.fearless.bridge.VirtualExecutor;
import dev.fearless.metrics.FearlessMetrics;
import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Suite 6, the executor bridge: per-task cost of submitting {@value #TASKS} trivial tasks and
 * waiting for every future, each task on its own virtual thread. Fearless {@code VirtualExecutor}
 * (no limit) without and with the {@code FearlessMetrics} binder bound to a
 * {@code SimpleMeterRegistry} vs {@code newVirtualThreadPerTaskExecutor()} vs the same executor
 * wrapped by Micrometer's {@code ExecutorServiceMetrics.monitor(...)}; and {@code Bridge.async} vs
 * {@code CompletableFuture.supplyAsync} on a virtual-thread-per-task executor. Executors and
 * registries are created in setup; each benchmark runs in its own fork, so the binder's listener
 * only sees its own benchmark. The submitting and waiting thread ({@code owner}) is a virtual
 * thread started and joined by each invocation (the usual case) or JMH's platform thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-preview")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ExecutorBenchmark {

    /** Tasks per invocation. */
    static final int TASKS = 100;

    private static final Integer RESULT = 42;
    private static final Callable<Integer> TASK = () -> RESULT;
    private static final Supplier<Integer> SUPPLIER = () -> RESULT;

    /** Creates the benchmark. */
    public ExecutorBenchmark() {}

    /** A Fearless executor, nobody listening. */
    @State(Scope.Benchmark)
    public static class Plain {
        VirtualExecutor executor;

        /** Creates the state. */
        public Plain() {}

        /** Builds the executor. */
        @Setup(Level.Trial)
        public void setUp() {
            executor = VirtualExecutor.builder().name("bench").build();
        }

        /** Closes the executor. */
        @TearDown(Level.Trial)
        public void tearDown() {
            executor.close();
        }
    }

    /** A Fearless executor with the Micrometer binder registered first. */
    @State(Scope.Benchmark)
    public static class Metered {
        FearlessMetrics metrics;
        VirtualExecutor executor;

        /** Creates the state. */
        public Metered() {}

        /** Binds the metrics, then builds the executor. */
        @Setup(Level.Trial)
        public void setUp() {
            metrics = new FearlessMetrics();
            metrics.bindTo(new SimpleMeterRegistry());
            executor = VirtualExecutor.builder().name("bench").build();
        }

        /** Closes the executor and the binder. */
        @TearDown(Level.Trial)
        public void tearDown() {
            executor.close();
            metrics.close();
        }
    }

    /** The JDK's virtual-thread-per-task executor. */
    @State(Scope.Benchmark)
    public static class Jdk {
        ExecutorService executor;

        /** Creates the state. */
        public Jdk() {}

        /** Builds the executor. */
        @Setup(Level.Trial)
        public void setUp() {
            executor = Executors.newVirtualThreadPerTaskExecutor();
        }

        /** Closes the executor. */
        @TearDown(Level.Trial)
        public void tearDown() {
            executor.close();
        }
    }

    /** The JDK's virtual-thread-per-task executor behind {@code ExecutorServiceMetrics.monitor}. */
    @State(Scope.Benchmark)
    public static class Monitored {
        ExecutorService executor;

        /** Creates the state. */
        public Monitored() {}

        /** Builds and wraps the executor. */
        @Setup(Level.Trial)
        public void setUp() {
            executor = ExecutorServiceMetrics.monitor(
                    new SimpleMeterRegistry(), Executors.newVirtualThreadPerTaskExecutor(), "bench");
        }

        /** Closes the executor. */
        @TearDown(Level.Trial)
        public void tearDown() {
            executor.close();
        }
    }

    /** The thread that submits and waits. */
    @State(Scope.Benchmark)
    public static class Owner {
        /** {@code virtual} (a virtual thread per invocation) or {@code platform} (JMH's thread). */
        @Param({"virtual", "platform"})
        public String owner;

        /** Creates the state; JMH sets the parameters. */
        public Owner() {}

        long run(Workers.Loop body) throws Exception {
            return owner.equals("platform") ? body.run() : Workers.runAll(body);
        }
    }

    private static long submitAll(ExecutorService executor) throws InterruptedException, ExecutionException {
        @SuppressWarnings("unchecked")
        Future<Integer>[] futures = (Future<Integer>[]) new Future<?>[TASKS];
        for (int i = 0; i < TASKS; i++) {
            futures[i] = executor.submit(TASK);
        }
        long sum = 0;
        for (Future<Integer> future : futures) {
            sum += future.get();
        }
        return sum;
    }

    /**
     * {@code VirtualExecutor.submit}, no listener.
     *
     * @param owner the submitting thread
     * @param state the executor
     * @return the sum of the results
     * @throws Exception never, in practice
     */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long virtualExecutor(Owner owner, Plain state) throws Exception {
        return owner.run(() -> submitAll(state.executor));
    }

    /**
     * {@code VirtualExecutor.submit} with {@code FearlessMetrics} bound.
     *
     * @param owner the submitting thread
     * @param state the executor
     * @return the sum of the results
     * @throws Exception never, in practice
     */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long virtualExecutorWithMetrics(Owner owner, Metered state) throws Exception {
        return owner.run(() -> submitAll(state.executor));
    }

    /**
     * {@code newVirtualThreadPerTaskExecutor().submit}.
     *
     * @param owner the submitting thread
     * @param state the executor
     * @return the sum of the results
     * @throws Exception never, in practice
     */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long jdkVirtualThreadExecutor(Owner owner, Jdk state) throws Exception {
        return owner.run(() -> submitAll(state.executor));
    }

    /**
     * {@code ExecutorServiceMetrics.monitor(newVirtualThreadPerTaskExecutor()).submit}.
     *
     * @param owner the submitting thread
     * @param state the executor
     * @return the sum of the results
     * @throws Exception never, in practice
     */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long jdkVirtualThreadExecutorMonitored(Owner owner, Monitored state) throws Exception {
        return owner.run(() -> submitAll(state.executor));
    }

    /**
     * {@code Bridge.async}: a {@code CompletableFuture} out of blocking code.
     *
     * @param owner the submitting thread
     * @return the sum of the results
     * @throws Exception never, in practice
     */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long bridgeAsync(Owner owner) throws Exception {
        return owner.run(() -> joinAll(() -> Bridge.async(TASK)));
    }

    /**
     * {@code CompletableFuture.supplyAsync} on a virtual-thread-per-task executor.
     *
     * @param owner the submitting thread
     * @param state the executor
     * @return the sum of the results
     * @throws Exception never, in practice
     */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long completableFutureSupplyAsync(Owner owner, Jdk state) throws Exception {
        return owner.run(() -> joinAll(() -> CompletableFuture.supplyAsync(SUPPLIER, state.executor)));
    }

    /** Starts {@value #TASKS} futures, then joins each. */
    private static long joinAll(Supplier<CompletableFuture<Integer>> start) {
        @SuppressWarnings("unchecked")
        CompletableFuture<Integer>[] futures = (CompletableFuture<Integer>[]) new CompletableFuture<?>[TASKS];
        for (int i = 0; i < TASKS; i++) {
            futures[i] = start.get();
        }
        long sum = 0;
        for (CompletableFuture<Integer> future : futures) {
            sum += future.join();
        }
        return sum;
    }
}
