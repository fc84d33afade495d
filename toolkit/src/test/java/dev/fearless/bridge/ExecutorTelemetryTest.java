package dev.fearless.bridge;

import static dev.fearless.testing.ThreadKind.awaitUninterruptibly;
import static dev.fearless.bridge.VirtualExecutorTest.occupy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.telemetry.ExecutorState;
import dev.fearless.telemetry.Outcome;
import dev.fearless.telemetry.Telemetry;
import dev.fearless.telemetry.TelemetryListener;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;

@Isolated("registers a global telemetry listener")
@Timeout(30)
class ExecutorTelemetryTest {

    private final Recording recording = new Recording();
    private final CountDownLatch gate = new CountDownLatch(1);
    private Telemetry.Registration registration;

    @BeforeEach
    void register() {
        registration = Telemetry.register(recording);
    }

    @AfterEach
    void unregister() {
        registration.close();
        gate.countDown();
    }

    @Test
    void theExecutorItselfIsTheLiveStateHandedToListeners() {
        try (VirtualExecutor executor = VirtualExecutor.builder().name("state").build()) {
            assertSame(executor, recording.created.getFirst(), "a listener holds it weakly: it must not be a throwaway");
            ExecutorState state = recording.created.getFirst();
            assertEquals("state", state.name());
            assertEquals(Integer.MAX_VALUE, state.limit());
        }
    }

    @Test
    void everyTaskIsReportedSubmittedStartedAndFinishedWithItsOutcome() {
        VirtualExecutor executor = VirtualExecutor.builder().name("events").build();
        try (executor) {
            executor.execute(() -> { });
            executor.submit(() -> { throw new IllegalStateException("fails"); });
            CountDownLatch started = new CountDownLatch(1);
            CompletableFuture<Object> cancelled = executor.submit(() -> {
                started.countDown();
                gate.await();
                return null;
            });
            awaitUninterruptibly(started);
            cancelled.cancel(true);
        }
        assertEquals(List.of("events", "events", "events"), submitted("events"));
        assertEquals(3, started("events").size());
        assertTrue(started("events").stream().allMatch(s -> s.waitNanos >= 0));
        assertEquals(Map.of(Outcome.SUCCESS, 1L, Outcome.FAILURE, 1L, Outcome.CANCELLED, 1L),
                finished("events").stream().collect(Collectors.groupingBy(f -> f.outcome, Collectors.counting())));
        assertTrue(finished("events").stream().allMatch(f -> f.runNanos >= 0));
    }

    @Test
    void refusalsAreReported() {
        try (VirtualExecutor executor = VirtualExecutor.builder().name("full").limit(1, LimitPolicy.reject()).build()) {
            executor.execute(() -> awaitUninterruptibly(gate));
            assertThrows(TaskRejectedException.class, () -> executor.execute(() -> { }));
            gate.countDown();
        }
        assertEquals(List.of("full"), recording.rejected.stream().filter("full"::equals).toList());
    }

    @Test
    void aWithdrawnTaskIsReportedCancelledWithoutHavingStarted() throws Exception {
        VirtualExecutor executor = VirtualExecutor.builder().name("withdrawn").limit(1, LimitPolicy.enqueue()).build();
        occupy(executor, gate);
        executor.execute(() -> { });
        await().until(() -> executor.waiting() == 1);
        assertEquals(1, executor.shutdownNow().size());
        gate.countDown();
        assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));

        assertEquals(2, submitted("withdrawn").size());
        assertEquals(1, started("withdrawn").size(), "the withdrawn task never started");
        assertTrue(finished("withdrawn").contains(new Finished("withdrawn", Outcome.CANCELLED, 0)));
    }

    @Test
    void theWaitForAPermitIsPartOfTheReportedWait() {
        try (VirtualExecutor executor = VirtualExecutor.builder().name("waits").limit(1, LimitPolicy.enqueue()).build()) {
            occupy(executor, gate);
            executor.execute(() -> { });
            await().until(() -> executor.waiting() == 1);
            gate.countDown();
        }
        assertTrue(started("waits").stream().anyMatch(s -> s.waitNanos > 0));
    }

    @Test
    void timerRunsAreReportedAsTasks() throws Exception {
        try (VirtualExecutor executor = VirtualExecutor.builder().name("timer").build()) {
            executor.schedule(() -> "x", 0, TimeUnit.SECONDS).get();
        }
        assertEquals(List.of("timer"), submitted("timer"));
        List<Finished> finished = finished("timer");
        assertEquals(List.of(new Finished("timer", Outcome.SUCCESS, finished.getFirst().runNanos)), finished);
    }

    @Test
    void bridgeAsyncReportsUnderItsOwnName() throws Exception {
        Bridge.async(() -> 1).get();
        await().until(() -> recording.finished.stream().anyMatch(f -> f.executor.equals("async")));
    }

    record Started(String executor, long waitNanos) {}

    record Finished(String executor, Outcome outcome, long runNanos) {}

    // Leftover tasks of other test classes on Bridge's shared executor may still report: filter by name.
    private List<String> submitted(String executor) {
        return recording.submitted.stream().filter(executor::equals).toList();
    }

    private List<Started> started(String executor) {
        return recording.started.stream().filter(s -> s.executor.equals(executor)).toList();
    }

    private List<Finished> finished(String executor) {
        return recording.finished.stream().filter(f -> f.executor.equals(executor)).toList();
    }

    static final class Recording implements TelemetryListener {
        final List<ExecutorState> created = new CopyOnWriteArrayList<>();
        final List<String> submitted = new CopyOnWriteArrayList<>();
        final List<String> rejected = new CopyOnWriteArrayList<>();
        final List<Started> started = new CopyOnWriteArrayList<>();
        final List<Finished> finished = new CopyOnWriteArrayList<>();

        @Override
        public void executorCreated(ExecutorState executor) {
            created.add(executor);
        }

        @Override
        public void executorSubmitted(String executor) {
            submitted.add(executor);
        }

        @Override
        public void executorRejected(String executor) {
            rejected.add(executor);
        }

        @Override
        public void executorStarted(String executor, long waitNanos) {
            started.add(new Started(executor, waitNanos));
        }

        @Override
        public void executorFinished(String executor, Outcome outcome, long runNanos) {
            finished.add(new Finished(executor, outcome, runNanos));
        }
    }
}
