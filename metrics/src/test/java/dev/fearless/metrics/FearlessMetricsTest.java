package dev.fearless.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.telemetry.ChannelState;
import dev.fearless.telemetry.ExecutorState;
import dev.fearless.telemetry.Outcome;
import dev.fearless.telemetry.Telemetry;
import dev.fearless.telemetry.TelemetryListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;

/** Drives the binder with scripted events and checks exact meter values. */
@Isolated("binds to the global telemetry registry")
@Timeout(30)
class FearlessMetricsTest {

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private FearlessMetrics metrics;

    @BeforeEach
    void bind() {
        metrics = FearlessMetrics.builder().commonTags(Tags.of("application", "test")).timeLockHolds(true).build();
        metrics.bindTo(registry);
    }

    @AfterEach
    void unbind() {
        metrics.close();
    }

    private static TelemetryListener events() {
        TelemetryListener listener = Telemetry.listener();
        assertTrue(listener != null, "binding registers a telemetry listener");
        return listener;
    }

    @Test
    void scopesAndTasksCountByNameAndOutcome() {
        TelemetryListener events = events();
        events.scopeOpened("checkout");
        events.taskForked("checkout");
        events.taskForked("checkout");
        events.taskForked("checkout");
        events.taskFinished("checkout", Outcome.SUCCESS, 1_000_000);
        events.taskFinished("checkout", Outcome.FAILURE, 2_000_000);

        assertEquals(1, registry.get("fearless.scope.active").tag("name", "checkout").gauge().value());
        assertEquals(1, registry.get("fearless.task.active").tag("name", "checkout").gauge().value());

        events.taskFinished("checkout", Outcome.CANCELLED, 3_000_000);
        events.scopeClosed("checkout", Outcome.FAILURE, 5_000_000);

        assertEquals(0, registry.get("fearless.scope.active").tag("name", "checkout").gauge().value());
        assertEquals(0, registry.get("fearless.task.active").tag("name", "checkout").gauge().value());
        for (Outcome outcome : List.of(Outcome.SUCCESS, Outcome.FAILURE, Outcome.CANCELLED)) {
            assertEquals(1, registry.get("fearless.task.duration").tags("name", "checkout", "outcome", outcome.tag())
                    .timer().count(), outcome.tag());
        }
        assertEquals(2.0, registry.get("fearless.task.duration").tags("outcome", "failure").timer()
                .totalTime(TimeUnit.MILLISECONDS));
        assertEquals(5.0, registry.get("fearless.scope.duration").tags("name", "checkout", "outcome", "failure")
                .timer().totalTime(TimeUnit.MILLISECONDS));
        assertNull(registry.find("fearless.task.duration").tag("outcome", "timeout").timer(),
                "outcomes never seen export no series");
        assertEquals("test", registry.get("fearless.task.duration").timer().getId().getTag("application"),
                "common tags reach every meter");
    }

    @Test
    void locksRecordWaitHoldContentionAndAbandonment() {
        TelemetryListener events = events();
        events.lockAcquired("account", 0, false);
        events.lockAcquired("account", 4_000_000, true);
        events.lockReleased("account", 7_000_000);
        events.lockAbandoned("account", Outcome.TIMEOUT, 9_000_000);
        events.lockOrderViolation(List.of("a", "b"), "report");
        events.deadlockDetected(List.of("a", "b"), "report");

        assertEquals(2, Meters.count(registry.get("fearless.lock.wait").tag("name", "account").meter()));
        assertEquals(4.0, Meters.totalMillis(registry.get("fearless.lock.wait").meter()));
        assertEquals(1, registry.get("fearless.lock.contended").tag("name", "account").counter().count());
        assertEquals(7.0, registry.get("fearless.lock.held").timer().totalTime(TimeUnit.MILLISECONDS));
        assertEquals(1, registry.get("fearless.lock.abandoned").tags("name", "account", "outcome", "timeout")
                .counter().count());
        assertEquals(1, registry.get("fearless.lock.order.violations").counter().count());
        assertEquals(1, registry.get("fearless.lock.deadlocks").counter().count());
    }

    @Test
    void channelsCountTrafficAndSampleLiveSizes() {
        TelemetryListener events = events();
        FixedChannel jobs = new FixedChannel("jobs", 3, 16);
        FixedChannel moreJobs = new FixedChannel("jobs", 2, 16);
        events.channelCreated(jobs);
        events.channelCreated(moreJobs);
        events.channelSent("jobs", 0);
        events.channelSent("jobs", 2_000_000);
        events.channelReceived("jobs", 0);
        events.channelClosed("jobs", Outcome.FAILURE, 4);

        assertEquals(2, registry.get("fearless.channel.sent").tag("name", "jobs").counter().count());
        assertEquals(1, registry.get("fearless.channel.received").tag("name", "jobs").counter().count());
        assertEquals(1, registry.get("fearless.channel.blocked").tags("name", "jobs", "operation", "send")
                .timer().count(), "only operations that blocked are timed");
        assertEquals(0, registry.get("fearless.channel.blocked").tags("operation", "receive").timer().count());
        assertEquals(5, registry.get("fearless.channel.size").tag("name", "jobs").gauge().value(),
                "size sums live channels of one name");
        assertEquals(32, registry.get("fearless.channel.capacity").tag("name", "jobs").gauge().value());
        assertEquals(4, registry.get("fearless.channel.discarded").counter().count());
        assertEquals(1, registry.get("fearless.channel.closed").tag("outcome", "failure").counter().count());

        events.channelCreated(new FixedChannel("jobs", 0, Integer.MAX_VALUE));
        assertEquals(Double.POSITIVE_INFINITY, registry.get("fearless.channel.capacity").gauge().value(),
                "an unbounded channel makes the capacity infinite");
    }

    @Test
    void executorsCountEveryTaskOnceAndSampleLiveCounts() {
        TelemetryListener events = events();
        FixedExecutor executor = new FixedExecutor("io", 8, 3, 2);
        events.executorCreated(executor);
        events.executorSubmitted("io");
        events.executorSubmitted("io");
        events.executorRejected("io");
        events.executorStarted("io", 1_000_000);
        events.executorFinished("io", Outcome.SUCCESS, 2_000_000);
        events.executorStarted("io", 3_000_000);
        events.executorFinished("io", Outcome.FAILURE, 4_000_000);

        assertEquals(2, registry.get("fearless.executor.submitted").tag("name", "io").counter().count());
        assertEquals(1, registry.get("fearless.executor.rejected").tag("name", "io").counter().count());
        assertEquals(2, registry.get("fearless.executor.completed").tag("name", "io").counter().count());
        assertEquals(4.0, registry.get("fearless.executor.idle").timer().totalTime(TimeUnit.MILLISECONDS));
        assertEquals(1, registry.get("fearless.executor").tags("name", "io", "outcome", "failure").timer().count());
        assertEquals(3, registry.get("fearless.executor.active").tag("name", "io").gauge().value());
        assertEquals(2, registry.get("fearless.executor.queued").tag("name", "io").gauge().value());
        assertEquals(8, registry.get("fearless.executor.limit").tag("name", "io").gauge().value());
    }

    @Test
    void handlesCountPoisoningAndLeaksByKind() {
        TelemetryListener events = events();
        events.handlePoisoned("ledger");
        events.handleLeaked("ledger", "guard");
        events.handleLeaked("ledger", "guard");
        events.handleLeaked("ledger", "move");

        assertEquals(1, registry.get("fearless.handle.poisoned").tag("name", "ledger").counter().count());
        assertEquals(2, registry.get("fearless.handle.leaked").tags("name", "ledger", "kind", "guard").counter().count());
        assertEquals(1, registry.get("fearless.handle.leaked").tags("kind", "move").counter().count());
    }

    @Test
    void closingStopsListeningAndRemovesEveryMeter() {
        events().taskFinished("s", Outcome.SUCCESS, 1);
        events().lockAcquired("l", 0, false);
        assertTrue(registry.getMeters().size() > 2);

        metrics.close();
        metrics.close(); // idempotent

        assertNull(Telemetry.listener(), "the binder's listener is unregistered");
        assertEquals(List.of(), registry.getMeters(), "every meter the binder registered is removed");
    }

    @Test
    void bindingTwiceOrAfterCloseIsRefusedWithAReason() {
        IllegalStateException twice = assertThrows(IllegalStateException.class, () -> metrics.bindTo(registry));
        assertTrue(twice.getMessage().contains("already bound"), twice.getMessage());
        metrics.close();
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> metrics.bindTo(registry));
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
    }

    @Test
    void gaugesHoldComponentsWeakly() {
        events().channelCreated(new FixedChannel("temp", 7, 16));
        // Nothing references the channel now: once collected, the gauge stops counting it.
        org.awaitility.Awaitility.await().atMost(20, TimeUnit.SECONDS).until(() -> {
            System.gc();
            return registry.get("fearless.channel.size").tag("name", "temp").gauge().value() == 0;
        });
    }

    record FixedChannel(String name, int size, int capacity) implements ChannelState {}

    record FixedExecutor(String name, int limit, int running, int waiting) implements ExecutorState {
        @Override public long submitted() { return 0; }
        @Override public long completed() { return 0; }
        @Override public long failed() { return 0; }
        @Override public long rejected() { return 0; }
    }
}
