package dev.fearless.benchmarks;

import dev.fearless.bridge.VirtualExecutor;
import dev.fearless.channel.Channel;
import dev.fearless.handle.Shared;
import dev.fearless.lock.OrderedLock;
import dev.fearless.metrics.FearlessMetrics;
import dev.fearless.scope.Scope;
import dev.fearless.telemetry.Telemetry;
import dev.fearless.telemetry.TelemetryListener;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Suite 7, telemetry with a listener, on the toolkit's real event sites: each benchmark is one
 * toolkit operation, on one thread, uncontended, with {@code listener} set for the whole trial to
 * {@code none} (nobody registered), {@code noop} (a listener that overrides nothing), {@code simple}
 * ({@code FearlessMetrics} bound to a {@code SimpleMeterRegistry}) or {@code prometheus}
 * ({@code FearlessMetrics} bound to a {@code PrometheusMeterRegistry}). The operations and their
 * event sites are in {@link #SITES}; the report compares every listener with {@code none}. Fork+join
 * and the executor task run {@value #OWNED} times in a row on one virtual owner per invocation.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-preview")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TelemetryListenerBenchmark {

    /** Each benchmark and the event sites one operation passes. */
    static final Map<String, Integer> SITES = new LinkedHashMap<>();

    /** Each benchmark as the report names it. */
    static final Map<String, String> DESCRIPTIONS = new LinkedHashMap<>();

    static {
        SITES.put("orderedLock", 2); // lockAcquired, lockReleased
        DESCRIPTIONS.put("orderedLock", "OrderedLock lock/unlock");
        SITES.put("sharedUpdate", 2); // the OrderedLock's two
        DESCRIPTIONS.put("sharedUpdate", "Shared.update");
        SITES.put("bufferedChannel", 2); // channelSent, channelReceived
        DESCRIPTIONS.put("bufferedChannel", "buffered trySend + tryReceive");
        SITES.put("forkJoin", 4); // scopeOpened, taskForked, taskFinished, scopeClosed
        DESCRIPTIONS.put("forkJoin", "scope fork + join of one task");
        SITES.put("executorTask", 3); // executorSubmitted, executorStarted, executorFinished
        DESCRIPTIONS.put("executorTask", "one VirtualExecutor task, submit + get");
    }

    /** Who listens: {@code none}, {@code noop}, {@code simple} or {@code prometheus}. */
    @Param({"none", "noop", "simple", "prometheus"})
    public String listener;

    /** Scopes or executor tasks per invocation of {@code forkJoin} and {@code executorTask}. */
    static final int OWNED = 16;

    private static final Integer ELEMENT = 7;
    private static final Integer RESULT = 42;
    private static final Callable<Integer> TASK = () -> RESULT;
    private static final Consumer<HandleBenchmark.Counter> INCREMENT = counter -> counter.value++;

    private AutoCloseable registration;
    private OrderedLock lock;
    private Shared<HandleBenchmark.Counter> shared;
    private Channel<Integer> channel;
    private VirtualExecutor executor;
    private long counter;

    /** Creates the state; JMH sets the parameters. */
    public TelemetryListenerBenchmark() {}

    /** Registers the listener, then creates the components (so that they report their creation to it). */
    @Setup(Level.Trial)
    public void setUp() {
        registration = switch (listener) {
            case "none" -> () -> {};
            case "noop" -> Telemetry.register(new TelemetryListener() {});
            case "simple" -> bind(new SimpleMeterRegistry());
            case "prometheus" -> bind(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
            default -> throw new IllegalArgumentException("listener must be none, noop, simple or prometheus: " + listener);
        };
        lock = new OrderedLock("bench-lock");
        shared = Shared.of("bench-shared", new HandleBenchmark.Counter());
        channel = Channel.buffered(16, "bench-channel");
        executor = VirtualExecutor.builder().name("bench-executor").build();
    }

    private static AutoCloseable bind(io.micrometer.core.instrument.MeterRegistry registry) {
        FearlessMetrics metrics = new FearlessMetrics();
        metrics.bindTo(registry);
        return metrics;
    }

    /**
     * Closes the executor and removes the listener.
     *
     * @throws Exception if closing fails
     */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        executor.close();
        registration.close();
    }

    /**
     * {@code OrderedLock} lock, increment, unlock.
     *
     * @return the counter
     */
    @Benchmark
    public long orderedLock() {
        lock.lock();
        try {
            return ++counter;
        } finally {
            lock.unlock();
        }
    }

    /** {@code Shared.update} with a non-capturing closure. */
    @Benchmark
    public void sharedUpdate() {
        shared.mutate(INCREMENT);
    }

    /**
     * {@code trySend} then {@code tryReceive} on a buffered(16) channel.
     *
     * @return what was received
     */
    @Benchmark
    public Object bufferedChannel() {
        channel.trySend(ELEMENT);
        return channel.tryReceive();
    }

    /**
     * Open a scope, fork one trivial task, join, read it, close; {@value #OWNED} times on one
     * virtual owner (where scopes usually run; JMH's platform thread would add a futex wake-up
     * that hides what the listener costs).
     *
     * @return the sum of the results
     * @throws Exception never, in practice
     */
    @Benchmark
    @OperationsPerInvocation(OWNED)
    public long forkJoin() throws Exception {
        return Workers.runAll(() -> {
            long sum = 0;
            for (int i = 0; i < OWNED; i++) {
                try (var scope = Scope.open()) {
                    var task = scope.fork(TASK);
                    scope.join();
                    sum += task.get();
                }
            }
            return sum;
        });
    }

    /**
     * Submit one trivial task and wait for its result; {@value #OWNED} times on one virtual owner.
     *
     * @return the sum of the results
     * @throws Exception never, in practice
     */
    @Benchmark
    @OperationsPerInvocation(OWNED)
    public long executorTask() throws Exception {
        return Workers.runAll(() -> {
            long sum = 0;
            for (int i = 0; i < OWNED; i++) {
                sum += executor.submit(TASK).get();
            }
            return sum;
        });
    }
}
