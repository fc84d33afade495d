package dev.fearless.benchmarks;

import dev.fearless.telemetry.Telemetry;
import dev.fearless.telemetry.TelemetryListener;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Suite 7, telemetry with nobody listening: the cost of an event site itself. Both benchmarks do the
 * cheapest real operation an event site guards in the toolkit, an uncontended lock/unlock of a
 * {@code ReentrantLock} around a counter increment. {@code withEventSites} adds the two sites a lock
 * has, written exactly as the toolkit writes them ({@code Telemetry.listener()}, a null check, and
 * the call to the listener that would follow); {@code withoutEventSites} has none. No listener is
 * registered, so the difference is the check alone: one volatile read and a branch per site.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-preview")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TelemetryBenchmark {

    private static final String NAME = "bench";

    private final ReentrantLock lock = new ReentrantLock();
    private long counter;

    /** Creates the state. */
    public TelemetryBenchmark() {}

    /**
     * Lock, increment, unlock; no event site.
     *
     * @return the counter
     */
    @Benchmark
    public long withoutEventSites() {
        lock.lock();
        try {
            return ++counter;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Lock, increment, unlock of a plain {@code ReentrantLock}: the JDK operation an
     * {@code OrderedLock} with no listener is compared with (the same code as
     * {@link #withoutEventSites()}, as its own benchmark for the report's listener rows).
     *
     * @return the counter
     */
    @Benchmark
    public long reentrantLock() {
        lock.lock();
        try {
            return ++counter;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Lock, report acquired, increment, report released, unlock; no listener registered.
     *
     * @return the counter
     */
    @Benchmark
    public long withEventSites() {
        lock.lock();
        try {
            TelemetryListener acquired = Telemetry.listener();
            if (acquired != null) {
                acquired.lockAcquired(NAME, 0, false);
            }
            long value = ++counter;
            TelemetryListener released = Telemetry.listener();
            if (released != null) {
                released.lockReleased(NAME, 0);
            }
            return value;
        } finally {
            lock.unlock();
        }
    }
}
