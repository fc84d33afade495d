package dev.fearless.benchmarks;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.fearless.channel.Channel;
import dev.fearless.handle.Shared;
import dev.fearless.lock.OrderedLock;
import dev.fearless.scope.Policy;
import dev.fearless.structure.Structure;
import dev.fearless.structure.StructureSnapshot;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * a channel receive (a tracked wait) and half on a latch, next to the JDK's JSON thread dump of the
 * same threads (what {@code jcmd Thread.dump_to_file -format=json} writes); and the cost tracking
 * adds to the hot paths, enabled vs disabled: a scope's open, fork and join (one task), an
 * uncontended {@code OrderedLock} lock/unlock (a tracked hold when enabled), {@code Shared.update}
 * and a buffered channel's send + receive that never wait.
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
        private Path dump;

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
            if (dump != null) {
                try {
                    Files.deleteIfExists(dump);
                } catch (IOException e) {
                    dump.toFile().deleteOnExit();
                }
            }
        }

        /** The file the JDK thread dump is written to, in a directory made once per trial. */
        Path dump() throws IOException {
            if (dump == null) {
                dump = Files.createTempDirectory("structure-bench").resolve("threads.json");
                dump.getParent().toFile().deleteOnExit();
            }
            return dump;
        }
    }

    /** Whether tracking is on while the hot paths run, and the components they use. */
    @State(Scope.Thread)
    public static class Toggle {
        /** Whether structure tracking is enabled. */
        @Param({"false", "true"})
        public boolean tracking;

        final OrderedLock lock = new OrderedLock("bench-lock");
        final Shared<Integer> shared = Shared.of("bench-shared", 0);
        final Channel<Integer> channel = Channel.buffered(16, "bench-channel");
        long counter;

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
     * The JDK's JSON thread dump of every thread, the tree's virtual threads included
     * ({@code HotSpotDiagnosticMXBean.dumpThreads}, as {@code jcmd Thread.dump_to_file -format=json}),
     * written to a temporary file.
     *
     * @param tree the live scope
     * @return the dump's size in bytes
     * @throws IOException if the dump cannot be written
     */
    @Benchmark
    public long jdkThreadDumpJson(Tree tree) throws IOException {
        Path file = tree.dump();
        Files.deleteIfExists(file);                                 // dumpThreads refuses an existing file
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpThreads(file.toString(),
                HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
        return Files.size(file);
    }

    /**
     * An uncontended lock and unlock; with tracking on, the outermost hold is recorded and removed.
     *
     * @param toggle whether tracking is on, and the lock
     * @return a counter, so that the work under the lock is not removed
     */
    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public long lockUnlock(Toggle toggle) {
        toggle.lock.lock();
        try {
            return ++toggle.counter;
        } finally {
            toggle.lock.unlock();
        }
    }

    /**
     * {@code Shared.update} of an uncontended handle (its lock is a tracked hold when enabled).
     *
     * @param toggle whether tracking is on, and the handle
     * @return the new value
     */
    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Integer sharedUpdate(Toggle toggle) {
        return toggle.shared.update(value -> value + 1);
    }

    /**
     * A send and a receive on a buffered channel that never wait (nothing to record, one flag read).
     *
     * @param toggle whether tracking is on, and the channel
     * @return the element received
     * @throws InterruptedException if interrupted
     */
    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Integer bufferedSendReceive(Toggle toggle) throws InterruptedException {
        toggle.channel.send(1);
        return toggle.channel.receive();
    }

    /**
     * Opens a scope, forks one task, joins and closes.
     *
     * @param toggle whether tracking is on
     * @return the task's result
     * @throws InterruptedException if interrupted
     */
    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Integer scopeForkJoin(Toggle toggle) throws InterruptedException {
        try (var scope = dev.fearless.scope.Scope.open()) {
            var task = scope.fork(() -> 42);
            scope.join();
            return task.get();
        }
    }
}
