package dev.fearless.benchmarks;

import dev.fearless.lock.HeldLocks;
import dev.fearless.lock.Locks;
import dev.fearless.lock.OrderedLock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Suite 3, multi-lock without contention: one thread takes a set of {@code locks} locks (2 to
 * 64), increments a counter guarded by them, and releases them. Fearless {@code Locks.lockAll}
 * (default strategy, checker off, no listener; the locks passed in reverse order, two locks
 * through the two-lock overload) vs the same number of raw {@code ReentrantLock}s locked one after
 * the other and unlocked in reverse order.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-preview")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LockAcquisitionBenchmark {

    /** Every lock count (the report iterates these). */
    static final List<String> LOCKS = List.of("2", "4", "8", "16", "64");

    /** Locks per set. */
    @Param({"2", "4", "8", "16", "64"})
    public int locks;

    private OrderedLock[] ordered;
    private ReentrantLock[] raw;
    private long counter;

    /** Creates the state; JMH sets the parameters. */
    public LockAcquisitionBenchmark() {}

    /** Creates the locks; the Fearless set in reverse creation order, so lockAll must sort it. */
    @Setup
    public void setUp() {
        ordered = new OrderedLock[locks];
        raw = new ReentrantLock[locks];
        OrderedLock[] created = new OrderedLock[locks];
        for (int i = 0; i < locks; i++) {
            created[i] = new OrderedLock("lock-" + i);
            raw[i] = new ReentrantLock();
        }
        for (int i = 0; i < locks; i++) {
            ordered[i] = created[locks - 1 - i];
        }
    }

    /**
     * {@code Locks.lockAll} of the set.
     *
     * @return the counter
     */
    @Benchmark
    public long lockAllFearless() {
        if (locks == 2) {
            try (HeldLocks _ = Locks.lockAll(ordered[0], ordered[1])) {
                return ++counter;
            }
        }
        try (HeldLocks _ = Locks.lockAll(ordered)) {
            return ++counter;
        }
    }

    /**
     * The raw locks, in order, released in reverse.
     *
     * @return the counter
     */
    @Benchmark
    public long lockRaw() {
        int held = 0;
        try {
            for (ReentrantLock lock : raw) {
                lock.lock();
                held++;
            }
            return ++counter;
        } finally {
            for (int i = held - 1; i >= 0; i--) {
                raw[i].unlock();
            }
        }
    }
}
