package dev.fearless.benchmarks;

import dev.fearless.lock.OrderedLock;
import dev.fearless.metrics.FearlessMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of the opt-in lock hold times: {@code OrderedLock} lock/unlock, one thread,
 * uncontended, with no listener ({@code none}) and with {@code FearlessMetrics} on a
 * {@code SimpleMeterRegistry} with hold times off (the default) and on
 * ({@code timeLockHolds(true)}). No target: docs/metrics.md reports it as the price of the option.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-preview")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TelemetryHoldsBenchmark {
    /** Creates the state; JMH sets the parameter. */
    public TelemetryHoldsBenchmark() {}

    /** {@code none} (no listener), {@code off} or {@code on} (hold times). */
    @Param({"none", "off", "on"})
    public String holds;

    private FearlessMetrics metrics;
    private OrderedLock lock;
    private long counter;

    /** Binds the metrics (unless {@code none}) and creates the lock. */
    @Setup
    public void setUp() {
        if (!holds.equals("none")) {
            metrics = FearlessMetrics.builder().timeLockHolds(holds.equals("on")).build();
            metrics.bindTo(new SimpleMeterRegistry());
        }
        lock = new OrderedLock("bench-lock");
    }

    /** Unbinds the metrics. */
    @TearDown
    public void tearDown() {
        if (metrics != null) {
            metrics.close();
        }
    }

    /**
     * Lock, increment, unlock.
     *
     * @return the counter
     */
    @Benchmark
    public long lockUnlock() {
        lock.lock();
        try {
            return ++counter;
        } finally {
            lock.unlock();
        }
    }
}
