package dev.fearless.benchmarks;

import dev.fearless.lock.HeldLocks;
import dev.fearless.lock.Locks;
import dev.fearless.lock.OrderedLock;
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
 * Suite 3, multi-lock without contention: one thread takes a set of 2 or 4 locks, increments a
 * counter guarded by them, and releases them. Fearless {@code Locks.lockAll} (default strategy,
 * checker off, no listener) vs the same number of raw {@code ReentrantLock}s locked one after the
 * other and unlocked in reverse order in {@code try/finally}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-preview")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LockAcquisitionBenchmark {

    private final OrderedLock a = new OrderedLock("a");
    private final OrderedLock b = new OrderedLock("b");
    private final OrderedLock c = new OrderedLock("c");
    private final OrderedLock d = new OrderedLock("d");
    private final ReentrantLock rawA = new ReentrantLock();
    private final ReentrantLock rawB = new ReentrantLock();
    private final ReentrantLock rawC = new ReentrantLock();
    private final ReentrantLock rawD = new ReentrantLock();
    private long counter;

    /** Creates the state. */
    public LockAcquisitionBenchmark() {}

    /**
     * {@code Locks.lockAll(a, b)}.
     *
     * @return the counter
     */
    @Benchmark
    public long lockAll2Fearless() {
        try (HeldLocks _ = Locks.lockAll(b, a)) {
            return ++counter;
        }
    }

    /**
     * Two raw {@code ReentrantLock}s.
     *
     * @return the counter
     */
    @Benchmark
    public long lock2Raw() {
        rawA.lock();
        try {
            rawB.lock();
            try {
                return ++counter;
            } finally {
                rawB.unlock();
            }
        } finally {
            rawA.unlock();
        }
    }

    /**
     * {@code Locks.lockAll(a, b, c, d)}.
     *
     * @return the counter
     */
    @Benchmark
    public long lockAll4Fearless() {
        try (HeldLocks _ = Locks.lockAll(d, b, c, a)) {
            return ++counter;
        }
    }

    /**
     * Four raw {@code ReentrantLock}s.
     *
     * @return the counter
     */
    @Benchmark
    public long lock4Raw() {
        rawA.lock();
        try {
            rawB.lock();
            try {
                rawC.lock();
                try {
                    rawD.lock();
                    try {
                        return ++counter;
                    } finally {
                        rawD.unlock();
                    }
                } finally {
                    rawC.unlock();
                }
            } finally {
                rawB.unlock();
            }
        } finally {
            rawA.unlock();
        }
    }
}
