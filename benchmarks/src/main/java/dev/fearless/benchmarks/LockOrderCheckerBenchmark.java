package dev.fearless.benchmarks;

import com.google.common.util.concurrent.CycleDetectingLockFactory;
import dev.fearless.lock.LockOrderChecker;
import dev.fearless.lock.OrderedLock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Suite 4, the lock-order checker: one thread takes {@code outer} then {@code inner} (an ordering the
 * checker already knows: setup takes them once in that order) and releases both. Fearless
 * {@code OrderedLock} with the checker OFF and in WARN mode vs raw {@code ReentrantLock}s and Guava's
 * {@code CycleDetectingLockFactory} locks with its WARN policy. Each benchmark runs in its own fork,
 * so the checker's global mode never leaks between them.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-preview")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LockOrderCheckerBenchmark {

    /** Creates the benchmark. */
    public LockOrderCheckerBenchmark() {}

    /** Two locks and a counter, per thread. */
    @State(Scope.Thread)
    public abstract static class Nested {
        Lock outer;
        Lock inner;
        long counter;

        /** Creates the state. */
        protected Nested() {}

        abstract void create();

        /** Creates the locks and takes them once in order, so the edge is known. */
        @Setup(Level.Trial)
        public void setUp() {
            create();
            nested(this);
        }
    }

    /** Fearless, checker off. */
    public static class FearlessOff extends Nested {
        /** Creates the state. */
        public FearlessOff() {}

        @Override
        void create() {
            LockOrderChecker.setMode(LockOrderChecker.Mode.OFF);
            outer = new OrderedLock("outer");
            inner = new OrderedLock("inner");
        }
    }

    /** Fearless, checker in WARN mode. */
    public static class FearlessWarn extends Nested {
        /** Creates the state. */
        public FearlessWarn() {}

        @Override
        void create() {
            LockOrderChecker.setMode(LockOrderChecker.Mode.WARN);
            outer = new OrderedLock("outer");
            inner = new OrderedLock("inner");
        }

        /** Turns the checker off again and forgets the orderings. */
        @TearDown(Level.Trial)
        public void tearDown() {
            LockOrderChecker.setMode(LockOrderChecker.Mode.OFF);
            LockOrderChecker.reset();
        }
    }

    /** Raw {@code ReentrantLock}s. */
    public static class Raw extends Nested {
        /** Creates the state. */
        public Raw() {}

        @Override
        void create() {
            outer = new ReentrantLock();
            inner = new ReentrantLock();
        }
    }

    /** Guava {@code CycleDetectingLockFactory}, WARN policy. */
    public static class GuavaWarn extends Nested {
        /** Creates the state. */
        public GuavaWarn() {}

        @Override
        void create() {
            CycleDetectingLockFactory factory = CycleDetectingLockFactory.newInstance(CycleDetectingLockFactory.Policies.WARN);
            outer = factory.newReentrantLock("outer");
            inner = factory.newReentrantLock("inner");
        }
    }

    static long nested(Nested state) {
        state.outer.lock();
        try {
            state.inner.lock();
            try {
                return ++state.counter;
            } finally {
                state.inner.unlock();
            }
        } finally {
            state.outer.unlock();
        }
    }

    /**
     * Fearless, checker off.
     *
     * @param state the locks
     * @return the counter
     */
    @Benchmark
    public long fearlessOff(FearlessOff state) {
        return nested(state);
    }

    /**
     * Fearless, checker WARN, known edge.
     *
     * @param state the locks
     * @return the counter
     */
    @Benchmark
    public long fearlessWarn(FearlessWarn state) {
        return nested(state);
    }

    /**
     * Raw {@code ReentrantLock}s.
     *
     * @param state the locks
     * @return the counter
     */
    @Benchmark
    public long rawReentrantLock(Raw state) {
        return nested(state);
    }

    /**
     * Guava {@code CycleDetectingLockFactory}, WARN policy, known edge.
     *
     * @param state the locks
     * @return the counter
     */
    @Benchmark
    public long guavaWarn(GuavaWarn state) {
        return nested(state);
    }
}
