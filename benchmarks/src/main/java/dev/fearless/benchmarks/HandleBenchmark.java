package dev.fearless.benchmarks;

import dev.fearless.handle.Shared;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
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
 * Suite 5, handles: one thread increments a counter held in shared state, uncontended. Fearless
 * {@code Shared.mutate(counter -> counter.value++)} (the value is reachable only inside the
 * closure; no listener, lock-order checker off, default leak detection) vs the same counter behind
 * a {@code ReentrantLock} with {@code lock(); try { ... } finally { unlock(); }}, the code
 * {@code Shared} replaces. The counter is a field of reachable state, so the increments are not
 * dead code.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-preview")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class HandleBenchmark {

    /** The shared state. */
    static final class Counter {
        long value;
    }

    private static final Consumer<Counter> INCREMENT = counter -> counter.value++;

    private final Shared<Counter> shared = Shared.of("bench", new Counter());
    private final ReentrantLock lock = new ReentrantLock();
    private final Counter guarded = new Counter();

    /** Creates the state. */
    public HandleBenchmark() {}

    /** {@code Shared.mutate} with a non-capturing closure. */
    @Benchmark
    public void sharedUpdate() {
        shared.mutate(INCREMENT);
    }

    /** {@code ReentrantLock} with try/finally around the same work. */
    @Benchmark
    public void reentrantLock() {
        lock.lock();
        try {
            guarded.value++;
        } finally {
            lock.unlock();
        }
    }
}
