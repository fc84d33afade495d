package dev.fearless.benchmarks;

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
 * The A/A calibration: {@code first} and {@code second} are the same code (an uncontended
 * {@code ReentrantLock} lock, increment, unlock), measured as two benchmarks in their own forks.
 * Their ratio's interval must contain 1; when it does not, the harness or the machine moves scores
 * by more than the intervals admit, and the report flags the whole run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-preview")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CalibrationBenchmark {

    private final ReentrantLock lock = new ReentrantLock();
    private long counter;

    /** Creates the state. */
    public CalibrationBenchmark() {}

    /**
     * Lock, increment, unlock.
     *
     * @return the counter
     */
    @Benchmark
    public long first() {
        lock.lock();
        try {
            return ++counter;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The same code as {@link #first()}.
     *
     * @return the counter
     */
    @Benchmark
    public long second() {
        lock.lock();
        try {
            return ++counter;
        } finally {
            lock.unlock();
        }
    }
}
