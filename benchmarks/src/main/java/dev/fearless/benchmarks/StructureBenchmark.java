package dev.fearless.benchmarks;

import dev.fearless.channel.Channel;
import dev.fearless.scope.Policy;
import dev.fearless.structure.Structure;
import dev.fearless.structure.StructureSnapshot;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
 * Issue 21, structure tracking: the cost of {@code Structure.snapshot()} (and of rendering it as
 * JSON) with {@code tasks} live virtual-thread tasks in one tracked scope, half of them blocked in
 * a channel receive (a tracked wait) and half on a latch; and the cost tracking adds to a scope's
 * open, fork and join (one task), enabled vs disabled.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-preview")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class StructureBenchmark {

    /** Creates the benchmark. */
    public StructureBenchmark() {}

    /** A tracked scope with {@code tasks} live tasks, owned by a helper thread. */
    @State(Scope.Benchmark)
    public static class Tree {
        /** How many live tasks the scope holds. */
        @Param({"1000", "10000", "100000"})
        public int tasks;

        private final CountDownLatch ready = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);
        private final Channel<Integer> inbox = Channel.unbounded("bench-inbox");
        private Thread owner;

        /** Creates the state. */
        public Tree() {}

        /**
         * Enables tracking and starts the owner, which forks the tasks.
         *
         * @throws InterruptedException if interrupted while waiting for the tasks to start
         */
        @Setup(Level.Trial)
        public void open() throws InterruptedException {
            Structure.enable();
            owner = Thread.ofPlatform().name("structure-bench-owner").start(() -> {
                try (var scope = dev.fearless.scope.Scope.open(Policy.awaitAll())) {
                    for (int i = 0; i < tasks; i++) {
                        if (i % 2 == 0) {
                            scope.fork(inbox::receive);
                        } else {
                            scope.fork(() -> {
                                release.await();
                                return 0;
                            });
                        }
                    }
                    ready.countDown();
                    release.await();
                    for (int i = 0; i < tasks; i += 2) {
                        inbox.send(i);
                    }
                    scope.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            ready.await();
        }

        /**
         * Ends the tasks and the owner, and disables tracking.
         *
         * @throws InterruptedException if interrupted while joining the owner
         */
        @TearDown(Level.Trial)
        public void close() throws InterruptedException {
            release.countDown();
            owner.join();
            Structure.disable();
        }
    }

    /** Whether tracking is on while a scope opens, forks one task and joins. */
    @State(Scope.Thread)
    public static class Toggle {
        /** Whether structure tracking is enabled. */
        @Param({"false", "true"})
        public boolean tracking;

        /** Creates the state. */
        public Toggle() {}

        /** Applies the setting. */
        @Setup(Level.Trial)
        public void apply() {
            if (tracking) {
                Structure.enable();
            } else {
                Structure.disable();
            }
        }

        /** Turns tracking off again. */
        @TearDown(Level.Trial)
        public void reset() {
            Structure.disable();
        }
    }

    /**
     * One snapshot of the tree.
     *
     * @param tree the live scope
     * @return the snapshot
     */
    @Benchmark
    public StructureSnapshot snapshot(Tree tree) {
        return Structure.snapshot(Integer.MAX_VALUE);
    }

    /**
     * One snapshot rendered as JSON.
     *
     * @param tree the live scope
     * @return the JSON text
     */
    @Benchmark
    public String snapshotJson(Tree tree) {
        return Structure.snapshot(Integer.MAX_VALUE).toJson();
    }

    /**
     * Opens a scope, forks one task, joins and closes.
     *
     * @param toggle whether tracking is on
     * @return the task's result
     * @throws InterruptedException if interrupted
     */
    @Benchmark
    public Integer scopeForkJoin(Toggle toggle) throws InterruptedException {
        try (var scope = dev.fearless.scope.Scope.open()) {
            var task = scope.fork(() -> 42);
            scope.join();
            return task.get();
        }
    }
}
