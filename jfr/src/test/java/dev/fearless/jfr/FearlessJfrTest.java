package dev.fearless.jfr;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.bridge.LimitPolicy;
import dev.fearless.bridge.VirtualExecutor;
import dev.fearless.channel.Channel;
import dev.fearless.lock.DeadlockWatchdog;
import dev.fearless.lock.LockOrderChecker;
import dev.fearless.lock.OrderedLock;
import dev.fearless.scope.Scope;
import dev.fearless.scope.ScopeFailedException;
import dev.fearless.telemetry.Telemetry;
import dev.fearless.telemetry.TelemetryListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Real toolkit components under a real in-process flight recording: each scenario's events are
 * read back from the dumped file with {@link RecordingFile}, with their names and fields.
 */
@Isolated("registers a global telemetry listener and switches the lock-order checker")
@Timeout(60)
class FearlessJfrTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private FearlessJfr jfr;

    @BeforeEach
    void register() {
        jfr = FearlessJfr.register();
    }

    @AfterEach
    void unregister() {
        jfr.close();
    }

    /** A recording with every Fearless event on and no minimum duration. */
    private static Recording everything() {
        Recording recording = new Recording();
        for (EventType type : FlightRecorder.getFlightRecorder().getEventTypes()) {
            if (type.getName().startsWith(Events.PREFIX)) {
                recording.enable(type.getName()).with("minDuration", "0 ns");
            }
        }
        return recording;
    }

    private List<RecordedEvent> stopAndRead(Recording recording) throws IOException {
        recording.stop();
        Path file = Files.createTempFile(dir, "fearless", ".jfr");
        recording.dump(file);
        recording.close();
        return RecordingFile.readAllEvents(file);
    }

    private static List<RecordedEvent> named(List<RecordedEvent> events, String name, Predicate<RecordedEvent> filter) {
        List<RecordedEvent> matching = new ArrayList<>();
        for (RecordedEvent event : events) {
            if (event.getEventType().getName().equals(Events.PREFIX + name) && filter.test(event)) {
                matching.add(event);
            }
        }
        return matching;
    }

    @Test
    void aContendedLockIsAWaitAndAHold() throws Exception {
        Recording recording = everything();
        recording.start();
        OrderedLock ledger = new OrderedLock("ledger", "Ledger");
        ledger.lock();
        Thread waiter = Thread.ofVirtual().name("waiter").start(() -> {
            ledger.lock();
            ledger.unlock();
        });
        await().atMost(PATIENCE).until(() -> waiter.getState() == Thread.State.WAITING);
        ledger.unlock();
        assertTrue(waiter.join(PATIENCE));
        List<RecordedEvent> events = stopAndRead(recording);

        List<RecordedEvent> contended = named(events, "LockWait",
                e -> e.getString("lock").equals("ledger") && e.getBoolean("contended"));
        assertEquals(1, contended.size(), () -> "one contended wait: " + events);
        RecordedEvent wait = contended.getFirst();
        assertTrue(wait.getBoolean("acquired"));
        assertEquals("Ledger", wait.getString("lockClass"));
        assertEquals("success", wait.getString("outcome"));
        assertTrue(wait.getDuration("waitTime").toNanos() > 0);
        assertEquals("waiter", wait.getThread("eventThread").getJavaName(), "committed by the thread that waited");
        assertTrue(wait.getStackTrace() != null, "lock waits carry a stack trace");
        assertEquals(2, named(events, "LockHold", e -> e.getString("lock").equals("ledger")).size());
    }

    @Test
    void aBlockedReceiveAScopeAndItsTasks() throws Exception {
        Recording recording = everything();
        recording.start();
        Channel<String> orders = Channel.rendezvous("orders");
        CompletableFuture<String> received = new CompletableFuture<>();
        Thread receiver = Thread.ofVirtual().start(() -> {
            try {
                received.complete(orders.receive());
            } catch (Throwable t) {
                received.completeExceptionally(t);
            }
        });
        await().atMost(PATIENCE).until(() -> receiver.getState() == Thread.State.WAITING);
        orders.send("book");
        assertEquals("book", received.get(20, TimeUnit.SECONDS));

        try (var scope = Scope.builder().name("checkout").open()) {
            scope.fork(() -> "priced").join(); // ended before the failure, so it is not cancelled by it
            scope.fork(() -> {
                throw new IllegalStateException("card declined");
            });
            assertThrows(ScopeFailedException.class, scope::join);
        }
        List<RecordedEvent> events = stopAndRead(recording);

        List<RecordedEvent> blocked = named(events, "ChannelBlocked", e -> e.getString("channel").equals("orders"));
        assertTrue(blocked.stream().anyMatch(e -> e.getString("operation").equals("receive")
                && e.getDuration("blockedTime").toNanos() > 0), () -> "the receiver blocked: " + blocked);
        List<RecordedEvent> tasks = named(events, "TaskRun", e -> e.getString("scope").equals("checkout"));
        assertEquals(List.of("failure", "success"),
                tasks.stream().map(e -> e.getString("outcome")).sorted().toList());
        List<RecordedEvent> scopes = named(events, "ScopeClosed", e -> e.getString("scope").equals("checkout"));
        assertEquals(1, scopes.size());
        assertEquals("failure", scopes.getFirst().getString("outcome"));
    }

    @Test
    void anExecutorAdmissionWait() throws Exception {
        Recording recording = everything();
        recording.start();
        CountDownLatch release = new CountDownLatch(1);
        try (VirtualExecutor pdf = VirtualExecutor.builder().name("pdf").limit(1, LimitPolicy.enqueue()).build()) {
            CompletableFuture<String> first = pdf.submit(() -> {
                release.await();
                return "first";
            });
            CompletableFuture<String> second = pdf.submit(() -> "second");
            await().atMost(PATIENCE).until(() -> pdf.waiting() == 1);
            release.countDown();
            assertEquals("first", first.get(20, TimeUnit.SECONDS));
            assertEquals("second", second.get(20, TimeUnit.SECONDS));
        }
        List<RecordedEvent> admissions = named(stopAndRead(recording), "ExecutorAdmission",
                e -> e.getString("executor").equals("pdf"));
        assertEquals(2, admissions.size());
        assertTrue(admissions.stream().anyMatch(e -> e.getDuration("waitTime").toNanos() > 0),
                "the second task waited for the permit");
    }

    @Test
    void anOrderViolationAndADeadlock() throws Exception {
        Recording recording = everything();
        recording.start();
        LockOrderChecker.Mode before = LockOrderChecker.mode();
        OrderedLock first = new OrderedLock("first");
        OrderedLock second = new OrderedLock("second");
        List<Thread> deadlocked = new ArrayList<>();
        try {
            LockOrderChecker.setMode(LockOrderChecker.Mode.WARN);
            nested(first, second);
            nested(second, first);

            LockOrderChecker.setMode(LockOrderChecker.Mode.OFF);
            OrderedLock left = new OrderedLock("left");
            OrderedLock right = new OrderedLock("right");
            CountDownLatch bothHeld = new CountDownLatch(2);
            deadlocked.add(Thread.ofPlatform().daemon().start(() -> crossed(left, right, bothHeld)));
            deadlocked.add(Thread.ofPlatform().daemon().start(() -> crossed(right, left, bothHeld)));
            CountDownLatch reported = new CountDownLatch(1);
            TelemetryListener witness = new TelemetryListener() {
                @Override
                public void deadlockDetected(List<String> cycle, String report) {
                    reported.countDown();
                }
            };
            Telemetry.Registration registration = Telemetry.register(witness);
            DeadlockWatchdog watchdog = DeadlockWatchdog.start(Duration.ofMillis(10));
            try {
                assertTrue(reported.await(20, TimeUnit.SECONDS), "the watchdog found the deadlock");
            } finally {
                watchdog.close();
                registration.close();
            }
        } finally {
            deadlocked.forEach(Thread::interrupt);
            for (Thread thread : deadlocked) {
                assertTrue(thread.join(PATIENCE));
            }
            LockOrderChecker.setMode(before);
            LockOrderChecker.forget(first);
            LockOrderChecker.forget(second);
        }
        List<RecordedEvent> events = stopAndRead(recording);
        List<RecordedEvent> violations = named(events, "LockOrderViolation", e -> true);
        assertEquals(1, violations.size());
        assertTrue(violations.getFirst().getString("cycle").contains("first"), violations::toString);
        List<RecordedEvent> deadlocks = named(events, "Deadlock", e -> true);
        assertTrue(!deadlocks.isEmpty(), "the watchdog's finding was recorded");
        String cycle = deadlocks.getFirst().getString("cycle");
        assertTrue(cycle.contains("left") && cycle.contains("right"), cycle);
    }

    private static void nested(OrderedLock outer, OrderedLock inner) {
        outer.lock();
        try {
            inner.lock();
            inner.unlock();
        } finally {
            outer.unlock();
        }
    }

    private static void crossed(OrderedLock mine, OrderedLock theirs, CountDownLatch bothHeld) {
        mine.lock();
        try {
            bothHeld.countDown();
            bothHeld.await();
            theirs.lockInterruptibly();
            theirs.unlock();
        } catch (InterruptedException expected) {
            // the test breaks the deadlock by interrupting both threads
        } finally {
            mine.unlock();
        }
    }

    @Test
    void theShippedConfigurationKeepsOnlySlowEvents() throws Exception {
        Recording recording = new Recording(FearlessJfr.configuration());
        assertEquals("20 ms", recording.getSettings().get(Events.PREFIX + "LockWait#minDuration"));
        assertEquals("true", recording.getSettings().get(Events.PREFIX + "Deadlock#enabled"));
        recording.start();
        OrderedLock quick = new OrderedLock("quick");
        for (int i = 0; i < 100; i++) {
            quick.lock();
            quick.unlock();
        }
        new JfrListener().lockReleased("slow", null, TimeUnit.MILLISECONDS.toNanos(25));
        new JfrListener().handlePoisoned("account");
        List<RecordedEvent> events = stopAndRead(recording);
        assertEquals(List.of(), named(events, "LockHold", e -> e.getString("lock").equals("quick")),
                "holds shorter than 20 ms are dropped");
        assertEquals(1, named(events, "LockHold", e -> e.getString("lock").equals("slow")).size());
        assertEquals(1, named(events, "HandlePoisoned", e -> e.getString("handle").equals("account")).size());
    }

    @Test
    void nothingIsRecordedWithoutARecordingThatEnablesIt() throws Exception {
        Recording unrelated = new Recording();
        unrelated.enable("jdk.ThreadStart");
        unrelated.start();
        OrderedLock lock = new OrderedLock("idle");
        lock.lock();
        lock.unlock();
        List<RecordedEvent> events = stopAndRead(unrelated);
        assertEquals(List.of(), named(events, "LockHold", e -> true), "Fearless events are disabled by default");
    }

    @Test
    void oneRegistrationAtATime() {
        var twice = assertThrows(IllegalStateException.class, FearlessJfr::register);
        assertTrue(twice.getMessage().contains("already registered"), twice.getMessage());
        jfr.close();
        jfr.close(); // idempotent
        jfr = FearlessJfr.register(); // possible again once closed
    }

    @Test
    void minDurationParsesJfrTimespans() {
        assertEquals(20_000_000L, MinDuration.parse("20 ms"));
        assertEquals(0L, MinDuration.parse("0 ns"));
        assertEquals(3_000L, MinDuration.parse("3us"));
        assertEquals(-1L, MinDuration.parse("fast"));
        assertEquals(Long.MAX_VALUE, MinDuration.parse("99999999999999 h"));
        MinDuration setting = new MinDuration();
        assertEquals("1 ms", setting.combine(java.util.Set.of("1 ms", "20 ms", "nonsense")), "the smallest wins");
        setting.setValue("5 ms");
        setting.setValue("garbage");
        assertEquals("5 ms", setting.getValue(), "an unreadable value keeps the previous one");
        assertTrue(setting.accepts(5_000_000L));
        assertTrue(!setting.accepts(4_999_999L));
    }
}
