package dev.fearless.benchmarks;

import com.google.common.util.concurrent.CycleDetectingLockFactory;
import dev.fearless.lock.LockOrderChecker;
import dev.fearless.lock.OrderedLock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Suite 4, the lock-order checker against a large lock graph: setup makes {@code graph} other
 * locks in chains of {@value #CHAIN}, takes every consecutive pair of a chain once in order and
 * then each chain's last lock before the first held lock (so the checker knows about
 * {@code graph} edges leading into the held set), then takes the {@code held} locks once together
 * (so every edge between them is known too). The measured operation takes those {@code held}
 * locks in order and releases them in reverse: known edges only, in a graph of
 * {@code graph + held} locks. Fearless {@code OrderedLock} in WARN mode vs Guava's
 * {@code CycleDetectingLockFactory} with its WARN policy; each in its own fork.
 *
 * <p>Chains are short because Guava searches the graph recursively when it learns an edge: one
 * chain of 100,000 locks overflows the stack in its {@code findPathTo} (Fearless's checker takes
 * it).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-preview")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LockGraphBenchmark {

    /** Locks per chain of the graph. */
    static final int CHAIN = 10;

    /** Every graph size (the report iterates these). */
    static final List<String> GRAPHS = List.of("10", "1000", "100000");

    /** Every held-lock count (the report iterates these). */
    static final List<String> HELD = List.of("1", "4", "16");

    /** Creates the benchmark. */
    public LockGraphBenchmark() {}

    /** The chain and the held locks. */
    @State(Scope.Thread)
    public abstract static class Graph {
        /** Locks in the graph besides the held ones. */
        @Param({"10", "1000", "100000"})
        public int graph;

        /** Locks held at once by the measured operation. */
        @Param({"1", "4", "16"})
        public int held;

        Lock[] locks;
        long counter;

        /** Creates the state. */
        protected Graph() {}

        abstract Lock create(String name);

        /** Builds the chain and teaches the checker its edges. */
        @Setup(Level.Trial)
        public void setUp() {
            locks = new Lock[held];
            for (int i = 0; i < held; i++) {
                locks[i] = create("held-" + i);
            }
            Lock previous = null;
            for (int i = 0; i < graph; i++) {
                Lock lock = create("other-" + i);
                if (previous != null) {
                    pair(previous, lock);
                }
                boolean last = i % CHAIN == CHAIN - 1 || i == graph - 1;
                if (last) {
                    pair(lock, locks[0]);
                }
                previous = last ? null : lock;
            }
            take(this);
        }
    }

    /** Fearless, checker in WARN mode. */
    public static class FearlessWarn extends Graph {
        /** Creates the state. */
        public FearlessWarn() {}

        @Override
        Lock create(String name) {
            LockOrderChecker.setMode(LockOrderChecker.Mode.WARN);
            return new OrderedLock(name);
        }

        /** Turns the checker off again and forgets the orderings. */
        @TearDown(Level.Trial)
        public void tearDown() {
            LockOrderChecker.setMode(LockOrderChecker.Mode.OFF);
            LockOrderChecker.reset();
        }
    }

    /** Guava {@code CycleDetectingLockFactory}, WARN policy. */
    public static class GuavaWarn extends Graph {
        private final CycleDetectingLockFactory factory =
                CycleDetectingLockFactory.newInstance(CycleDetectingLockFactory.Policies.WARN);

        /** Creates the state. */
        public GuavaWarn() {}

        @Override
        Lock create(String name) {
            return factory.newReentrantLock(name);
        }
    }

    private static void pair(Lock first, Lock second) {
        first.lock();
        second.lock();
        second.unlock();
        first.unlock();
    }

    static long take(Graph state) {
        Lock[] locks = state.locks;
        int taken = 0;
        try {
            for (Lock lock : locks) {
                lock.lock();
                taken++;
            }
            return ++state.counter;
        } finally {
            for (int i = taken - 1; i >= 0; i--) {
                locks[i].unlock();
            }
        }
    }

    /**
     * Fearless, checker WARN, known edges in a large graph.
     *
     * @param state the locks
     * @return the counter
     */
    @Benchmark
    public long fearlessWarn(FearlessWarn state) {
        return take(state);
    }

    /**
     * Guava, WARN policy, known edges in a large graph.
     *
     * @param state the locks
     * @return the counter
     */
    @Benchmark
    public long guavaWarn(GuavaWarn state) {
        return take(state);
    }
}
