package dev.fearless.bridge;

import dev.fearless.context.ContextPropagation;
import dev.fearless.telemetry.Outcome;
import dev.fearless.telemetry.Telemetry;
import dev.fearless.telemetry.TelemetryListener;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A quick, manual timing harness (not a test, not JMH): the per-task cost of a
 * {@link VirtualExecutor} next to {@code Executors.newVirtualThreadPerTaskExecutor()}, without and
 * with a telemetry listener, to catch a regression of the telemetry path. Rounds are interleaved
 * and each is compared with the JDK executor timed next to it (median and interquartile range of
 * the per-round ratios), since other processes share the machine. The JMH suite
 * belongs to the benchmarks module.
 *
 * <pre>
 * mvn -q -pl toolkit test-compile
 * java -cp toolkit/target/classes:toolkit/target/test-classes:$HOME/.m2/repository/org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar \
 *     dev.fearless.bridge.ExecutorTimingHarness [tasks] [rounds]
 * </pre>
 */
final class ExecutorTimingHarness {

    /** A listener that does as little as a real one could: one LongAdder per event. */
    private static final class Counting implements TelemetryListener {
        final LongAdder events = new LongAdder();

        @Override
        public void executorSubmitted(String executor) {
            events.increment();
        }

        @Override
        public void executorStarted(String executor, long waitNanos) {
            events.increment();
        }

        @Override
        public void executorFinished(String executor, Outcome outcome, long runNanos) {
            events.increment();
        }
    }

    /** A listener that does nothing: what remains is the cost of reporting itself. */
    private static final class Empty implements TelemetryListener {
        @Override
        public void executorSubmitted(String executor) {}

        @Override
        public void executorStarted(String executor, long waitNanos) {}

        @Override
        public void executorFinished(String executor, Outcome outcome, long runNanos) {}
    }

    private ExecutorTimingHarness() {}

    public static void main(String[] args) throws Exception {
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        Supplier<ExecutorService> jdk = Executors::newVirtualThreadPerTaskExecutor;
        Supplier<ExecutorService> fearless = () -> VirtualExecutor.builder().name("bench").build();
        Supplier<ExecutorService> fearlessNoContext =
                () -> VirtualExecutor.builder().name("bench").context(ContextPropagation.none()).build();
        for (int warm = 0; warm < 3; warm++) {
            time(jdk, tasks);
            time(fearless, tasks);
        }
        long[][] nanos = new long[7][rounds];
        for (int r = 0; r < rounds; r++) {
            nanos[0][r] = time(jdk, tasks);
            nanos[1][r] = time(fearless, tasks);
            nanos[2][r] = time(fearlessNoContext, tasks);
            Counting listener = new Counting();
            try (var _ = Telemetry.register(listener)) {
                nanos[3][r] = time(jdk, tasks);
                nanos[4][r] = time(fearless, tasks);
            }
            try (var _ = Telemetry.register(new Empty())) {
                nanos[5][r] = time(jdk, tasks);
                nanos[6][r] = time(fearless, tasks);
            }
        }
        String[] names = {"jdk", "fearless", "fearless, no context", "jdk (counting listener)", "fearless + counting",
            "jdk (empty listener)", "fearless + empty listener"};
        int[] baseline = {0, 0, 0, 3, 3, 5, 5};
        for (int i = 0; i < names.length; i++) {
            double[] ratios = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratios[r] = (double) nanos[i][r] / nanos[baseline[i]][r];
            }
            Arrays.sort(ratios);
            System.out.printf("%-26s median %7.1f ns/task (min %6.1f)  vs %s in the same round: median %.3fx, range %.3f-%.3fx%n",
                    names[i], median(nanos[i]) / tasks, (double) Arrays.stream(nanos[i]).min().orElseThrow() / tasks,
                    names[baseline[i]], ratios[rounds / 2], ratios[rounds / 4], ratios[rounds - 1 - rounds / 4]);
        }
    }

    private static long time(Supplier<ExecutorService> factory, int tasks) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(tasks);
        Runnable task = done::countDown;
        long start = System.nanoTime();
        try (ExecutorService executor = factory.get()) {
            for (int i = 0; i < tasks; i++) {
                executor.execute(task);
            }
            done.await();
        }
        return System.nanoTime() - start;
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
