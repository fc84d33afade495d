package dev.fearless.benchmarks;

import dev.fearless.handle.Shared;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Suite 5, handles under contention: {@code threads} virtual threads (2 to 64) together make
 * {@value #UPDATES} increments of one counter, through {@code Shared.update} or behind a
 * {@code ReentrantLock}. Nanoseconds per update, thread start-up included and amortized.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-preview")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ContendedUpdateBenchmark {

    /** Updates per invocation, over all threads. */
    static final int UPDATES = 12_800;

    /** Every thread count (the report iterates these). */
    static final List<String> THREADS = List.of("2", "4", "16", "64");

    /** Contending virtual threads. */
    @Param({"2", "4", "16", "64"})
    public int threads;

    private static final Consumer<HandleBenchmark.Counter> INCREMENT = counter -> counter.value++;

    private final Shared<HandleBenchmark.Counter> shared = Shared.of("bench-contended", new HandleBenchmark.Counter());
    private final ReentrantLock lock = new ReentrantLock();
    private final HandleBenchmark.Counter guarded = new HandleBenchmark.Counter();

    /** Creates the state; JMH sets the parameters. */
    public ContendedUpdateBenchmark() {}

    /**
     * {@code Shared.update} from every thread.
     *
     * @return nothing useful
     * @throws Exception if a worker fails
     */
    @Benchmark
    @OperationsPerInvocation(UPDATES)
    public long sharedUpdate() throws Exception {
        return run(() -> shared.mutate(INCREMENT));
    }

    /**
     * {@code ReentrantLock} with try/finally around the same work, from every thread.
     *
     * @return nothing useful
     * @throws Exception if a worker fails
     */
    @Benchmark
    @OperationsPerInvocation(UPDATES)
    public long reentrantLock() throws Exception {
        return run(() -> {
            lock.lock();
            try {
                guarded.value++;
            } finally {
                lock.unlock();
            }
        });
    }

    private long run(Runnable update) throws Exception {
        Workers.Loop[] loops = new Workers.Loop[threads];
        for (int t = 0; t < threads; t++) {
            loops[t] = () -> {
                for (int i = 0; i < UPDATES / threads; i++) {
                    update.run();
                }
                return 0;
            };
        }
        return Workers.runAll(loops);
    }
}
