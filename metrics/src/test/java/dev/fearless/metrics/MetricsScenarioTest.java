package dev.fearless.metrics;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fearless.bridge.LimitPolicy;
import dev.fearless.bridge.TaskRejectedException;
import dev.fearless.bridge.VirtualExecutor;
import dev.fearless.channel.Channel;
import dev.fearless.lock.LockOrderChecker;
import dev.fearless.lock.OrderedLock;
import dev.fearless.scope.Scope;
import dev.fearless.scope.ScopeFailedException;
import dev.fearless.scope.Task;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Real toolkit components, driven through scripted scenarios, produce exact meter values: the
 * events of each package reach the binder with the names, outcomes and counts docs/metrics.md
 * promises.
 */
@Isolated("binds to the global telemetry registry and switches the lock-order checker")
@Timeout(60)
class MetricsScenarioTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private FearlessMetrics metrics;

    @BeforeEach
    void bind() {
        metrics = FearlessMetrics.builder().commonTags(Tags.of("application", "scenario")).timeLockHolds(true).build();
        metrics.bindTo(registry);
    }

    @AfterEach
    void unbind() {
        metrics.close();
    }

    private long timerCount(String meter, String name, String... tags) {
        return (long) Meters.count(registry.get(meter).tag("name", name).tags(tags).meter());
    }

    private double counter(String meter, String name, String... tags) {
        return registry.get(meter).tag("name", name).tags(tags).counter().count();
    }

    private double gauge(String meter, String name) {
        return registry.get(meter).tag("name", name).gauge().value();
    }

    @Test
    void aScopeWithOneSuccessOneFailureAndOneCancellation() throws InterruptedException {
        IllegalStateException declined = new IllegalStateException("card declined");
        CountDownLatch never = new CountDownLatch(1);
        try (var scope = Scope.builder().name("checkout").open()) {
            Task<String> priced = scope.fork(() -> "priced");
            await().atMost(PATIENCE).until(() -> priced.state() == Task.State.SUCCEEDED);
            Task<?> reserve = scope.fork(() -> {
                never.await();                   // interrupted when the payment fails
                return null;
            });
            scope.fork(() -> {
                throw declined;
            });
            assertThrows(ScopeFailedException.class, scope::join);
            assertEquals(Task.State.CANCELLED, reserve.state());
            assertEquals(0, gauge("fearless.task.active", "checkout"), "every task finished at join");
            assertEquals(1, gauge("fearless.scope.active", "checkout"), "open until close");
        }

        assertEquals(1, timerCount("fearless.task.duration", "checkout", "outcome", "success"));
        assertEquals(1, timerCount("fearless.task.duration", "checkout", "outcome", "failure"));
        assertEquals(1, timerCount("fearless.task.duration", "checkout", "outcome", "cancelled"));
        assertEquals(1, timerCount("fearless.scope.duration", "checkout", "outcome", "failure"));
        assertEquals(0, gauge("fearless.scope.active", "checkout"));
        assertEquals("scenario", registry.get("fearless.scope.duration").tag("name", "checkout").timer()
                .getId().getTag("application"), "the binder's common tags are on every meter");
    }

    @Test
    void aContendedLockAndAnOrderViolation() throws Exception {
        OrderedLock ledger = new OrderedLock("ledger");
        ledger.lock();
        Thread waiter = Thread.ofVirtual().start(() -> {
            ledger.lock();                       // blocks: the test thread holds it
            ledger.unlock();
        });
        await().atMost(PATIENCE).until(() -> waiter.getState() == Thread.State.WAITING);
        ledger.unlock();
        waiter.join(PATIENCE);

        assertEquals(2, timerCount("fearless.lock.wait", "ledger"), "both acquisitions");
        assertEquals(1, counter("fearless.lock.contended", "ledger"), "one found it held");
        assertEquals(2, timerCount("fearless.lock.held", "ledger"));

        LockOrderChecker.Mode before = LockOrderChecker.mode();
        OrderedLock first = new OrderedLock("first");
        OrderedLock second = new OrderedLock("second");
        LockOrderChecker.setMode(LockOrderChecker.Mode.WARN);
        try {
            lockNested(first, second);
            lockNested(second, first);           // closes the cycle first → second → first: reported once
            lockNested(second, first);
        } finally {
            LockOrderChecker.setMode(before);
            LockOrderChecker.forget(first);
            LockOrderChecker.forget(second);
        }
        assertEquals(1, registry.get("fearless.lock.order.violations").counter().count());
    }

    private static void lockNested(OrderedLock outer, OrderedLock inner) {
        outer.lock();
        try {
            inner.lock();
            inner.unlock();
        } finally {
            outer.unlock();
        }
    }

    @Test
    void aFullChannelBlocksItsSender() throws Exception {
        Channel<String> orders = Channel.buffered(2, "orders");
        orders.send("a");
        orders.send("b");
        assertEquals(2, gauge("fearless.channel.size", "orders"));
        assertEquals(2, gauge("fearless.channel.capacity", "orders"));

        Thread sender = Thread.ofVirtual().start(() -> {
            try {
                orders.send("c");                // blocks until a receive makes room
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        await().atMost(PATIENCE).until(() -> sender.getState() == Thread.State.WAITING);
        assertEquals("a", orders.receive());
        sender.join(PATIENCE);

        assertEquals(3, counter("fearless.channel.sent", "orders"));
        assertEquals(1, counter("fearless.channel.received", "orders"));
        assertEquals(1, timerCount("fearless.channel.blocked", "orders", "operation", "send"),
                "only the send that found the buffer full blocked");
        assertEquals(2, gauge("fearless.channel.size", "orders"));

        orders.error(new IllegalStateException("shutting down"));
        assertEquals(2, counter("fearless.channel.discarded", "orders"));
        assertEquals(1, counter("fearless.channel.closed", "orders", "outcome", "failure"));
    }

    @Test
    void aRejectedSubmission() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> running;
        try (VirtualExecutor pdf = VirtualExecutor.builder().name("pdf").limit(1, LimitPolicy.reject()).build()) {
            running = pdf.submit(() -> {
                release.await();
                return "rendered";
            });
            await().atMost(PATIENCE).until(() -> gauge("fearless.executor.active", "pdf") == 1);
            assertThrows(TaskRejectedException.class, () -> pdf.submit(() -> "refused"));

            assertEquals(1, counter("fearless.executor.submitted", "pdf"));
            assertEquals(1, counter("fearless.executor.rejected", "pdf"));
            assertEquals(1, gauge("fearless.executor.limit", "pdf"));
            assertEquals(0, gauge("fearless.executor.queued", "pdf"));
            release.countDown();
        }
        assertEquals("rendered", running.get());
        assertEquals(1, counter("fearless.executor.completed", "pdf"));
        assertEquals(1, timerCount("fearless.executor", "pdf", "outcome", "success"));
        assertEquals(1, timerCount("fearless.executor.idle", "pdf"));
        assertEquals(0, gauge("fearless.executor.active", "pdf"));
    }
}
