package dev.fearless.lock;

import static dev.fearless.lock.OrderedLockTest.awaitQueued;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.fearless.telemetry.Telemetry;
import dev.fearless.telemetry.TelemetryListener;
import dev.fearless.testing.RecordingListener;
import dev.fearless.testing.ThreadKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/** Behaviour 4: real deadlocks, virtual threads included, are found and reported. */
@Timeout(60)
class DeadlockWatchdogTest {

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger watchdogLog = (Logger) LoggerFactory.getLogger(DeadlockWatchdog.class);

    @BeforeEach
    void captureLog() {
        logged.start();
        watchdogLog.addAppender(logged);
    }

    @AfterEach
    void stopCapturing() {
        watchdogLog.detachAppender(logged);
    }

    /**
     * Starts a thread that takes {@code first}, waits until every thread of the cycle holds its
     * first lock, then waits (interruptibly) for {@code second}; an interrupt ends it.
     */
    private static Thread takeThenWait(ThreadKind kind, Queue<Throwable> failures, RankedLock first, RankedLock second,
                                       CountDownLatch allHoldTheirFirst, AtomicInteger interrupted) {
        return kind.start(failures, () -> {
            first.lockInterruptibly();
            try {
                allHoldTheirFirst.countDown();
                allHoldTheirFirst.await();
                second.lockInterruptibly();
                second.unlock();
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
            } finally {
                first.unlock();
            }
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aRealDeadlockIsReportedOnceAndAnInterruptBreaksIt(ThreadKind kind) throws Exception {
        OrderedLock a = new OrderedLock("a");
        OrderedLock b = new OrderedLock("b");
        RecordingListener listener = new RecordingListener();
        Queue<Throwable> failures = ThreadKind.failures();
        AtomicInteger interrupted = new AtomicInteger();
        CountDownLatch bothHold = new CountDownLatch(2);
        DeadlockWatchdog watchdog;
        try (Telemetry.Registration _ = listener.register();
             DeadlockWatchdog running = DeadlockWatchdog.start(Duration.ofMillis(5))) {
            watchdog = running;
            Thread first = takeThenWait(kind, failures, a, b, bothHold, interrupted);
            Thread second = takeThenWait(kind, failures, b, a, bothHold, interrupted);

            await().atMost(Duration.ofSeconds(30)).until(() -> !listener.events("deadlock").isEmpty());
            List<Deadlock> found = DeadlockWatchdog.findDeadlocks();
            assertEquals(1, found.size());
            Deadlock deadlock = found.getFirst();
            assertEquals(Set.of(first, second), Set.copyOf(deadlock.threads()));
            assertEquals(Set.of(a, b), Set.copyOf(deadlock.locks()));
            int waiterOfA = deadlock.locks().indexOf(a);
            assertEquals(second, deadlock.threads().get(waiterOfA), "thread i waits for lock i");
            String report = listener.reports.getFirst();
            assertTrue(report.startsWith("Deadlock: 2 threads wait for each other's locks"), report);
            assertTrue(report.contains(dev.fearless.internal.Threads.describe(first) + " waits for " + b.ranking.label() + ", held by "
                    + dev.fearless.internal.Threads.describe(second)), report);
            assertEquals(kind == ThreadKind.VIRTUAL, report.contains(", virtual)"), report);
            assertTrue(report.contains("    at dev.fearless.lock.DeadlockWatchdogTest.lambda$takeThenWait"),
                    "the waiting threads' stacks:\n" + report);
            assertFalse(report.contains("AbstractQueuedSynchronizer") || report.contains("RankedLock"),
                    "parking frames are trimmed:\n" + report);
            assertEquals(Set.copyOf(List.of(a.ranking.label(), b.ranking.label())), Set.copyOf(listener.cycles.getFirst()));
            assertTrue(logged.list.stream().anyMatch(e -> e.getLevel() == Level.ERROR
                    && e.getFormattedMessage().equals(report)), "logged at ERROR");

            long scans = watchdog.scans();
            await().until(() -> watchdog.scans() >= scans + 3);
            assertEquals(1, listener.events("deadlock").size(), "reported once while it lasts");

            first.interrupt();
            ThreadKind.joinAll(failures, List.of(first, second));
            assertEquals(1, interrupted.get(), "the interrupted thread gave up; the other one finished");
            assertTrue(DeadlockWatchdog.findDeadlocks().isEmpty());
            assertFalse(a.isLocked() || b.isLocked());
        }
        assertFalse(watchdog.thread().isAlive(), "close() stops and joins the watchdog");
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aListenerErrorFromDeadlockDetectedIsLoggedAndTheWatchdogKeepsScanning(ThreadKind kind) throws Exception {
        OrderedLock a = new OrderedLock("a");
        OrderedLock b = new OrderedLock("b");
        AtomicInteger calls = new AtomicInteger();
        TelemetryListener throwing = new TelemetryListener() {
            @Override
            public void deadlockDetected(List<String> locks, String report) {
                calls.incrementAndGet();
                throw new StackOverflowError("injected"); // the dispatcher rethrows VirtualMachineErrors
            }
        };
        Queue<Throwable> failures = ThreadKind.failures();
        AtomicInteger interrupted = new AtomicInteger();
        CountDownLatch bothHold = new CountDownLatch(2);
        try (Telemetry.Registration _ = Telemetry.register(throwing);
             DeadlockWatchdog watchdog = DeadlockWatchdog.start(Duration.ofMillis(5))) {
            Thread first = takeThenWait(kind, failures, a, b, bothHold, interrupted);
            Thread second = takeThenWait(kind, failures, b, a, bothHold, interrupted);
            await().atMost(Duration.ofSeconds(30)).until(() -> calls.get() >= 1);
            long scans = watchdog.scans();
            await().until(() -> watchdog.scans() >= scans + 3);
            assertTrue(watchdog.thread().isAlive(), "the watchdog survived the listener's error");
            assertTrue(logged.list.stream().anyMatch(e -> e.getLevel() == Level.ERROR
                    && e.getFormattedMessage().startsWith("Deadlock: 2 threads")), "the deadlock itself was logged");
            assertTrue(logged.list.stream().anyMatch(e -> e.getFormattedMessage().contains("deadlockDetected")),
                    "the listener's failure was logged");
            assertEquals(1, calls.get(), "still reported once while it lasts");
            first.interrupt();
            ThreadKind.joinAll(failures, List.of(first, second));
        }
        assertFalse(a.isLocked() || b.isLocked());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aCycleOfThreeThreadsThroughReadWriteLocksIsFound(ThreadKind kind) throws Exception {
        OrderedReadWriteLock a = new OrderedReadWriteLock("a");
        OrderedLock b = new OrderedLock("b");
        OrderedReadWriteLock c = new OrderedReadWriteLock("c");
        Queue<Throwable> failures = ThreadKind.failures();
        AtomicInteger interrupted = new AtomicInteger();
        CountDownLatch allHold = new CountDownLatch(3);
        List<Thread> threads = List.of(
                takeThenWait(kind, failures, a.writeLock(), b, allHold, interrupted),
                takeThenWait(kind, failures, b, c.readLock(), allHold, interrupted),
                takeThenWait(kind, failures, c.writeLock(), a.readLock(), allHold, interrupted));
        // thread 2 cannot take c's read lock at first: thread 3 holds it for writing
        await().atMost(Duration.ofSeconds(30)).until(() -> !DeadlockWatchdog.findDeadlocks().isEmpty());
        Deadlock deadlock = DeadlockWatchdog.findDeadlocks().getFirst();
        assertEquals(Set.copyOf(threads), Set.copyOf(deadlock.threads()));
        assertEquals(Set.of(b, c.readLock(), a.readLock()), Set.copyOf(deadlock.locks()));
        assertTrue(deadlock.report().startsWith("Deadlock: 3 threads"), deadlock.report());
        threads.getFirst().interrupt();
        ThreadKind.joinAll(failures, threads);
        assertEquals(1, interrupted.get());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void waitingForABusyLockIsNotADeadlock(ThreadKind kind) throws Exception {
        OrderedLock a = new OrderedLock("a");
        OrderedLock b = new OrderedLock("b");
        Queue<Throwable> failures = ThreadKind.failures();
        a.lock();
        List<Thread> threads = new ArrayList<>();
        try {
            // a chain, not a cycle: waiter -> b (held by holder) ; holder -> a (held by this thread, running)
            CountDownLatch holderHasB = new CountDownLatch(1);
            Thread holder = kind.start(failures, () -> {
                b.lock();
                try {
                    holderHasB.countDown();
                    a.lock();
                    a.unlock();
                } finally {
                    b.unlock();
                }
            });
            threads.add(holder);
            holderHasB.await();
            Thread waiter = kind.start(failures, () -> {
                b.lock();
                b.unlock();
            });
            threads.add(waiter);
            awaitQueued(a, holder);
            awaitQueued(b, waiter);
            assertTrue(DeadlockWatchdog.findDeadlocks().isEmpty());
        } finally {
            a.unlock();
        }
        ThreadKind.joinAll(failures, threads);
        assertTrue(threads.stream().noneMatch(RankedLock.WAITING::containsKey), "no registration is left behind");
    }

    @Test
    void aVirtualWatchdogStartsAndStops() {
        DeadlockWatchdog watchdog = DeadlockWatchdog.start(Duration.ofMillis(1), Thread.ofVirtual().factory());
        assertTrue(watchdog.thread().isVirtual());
        assertEquals(Duration.ofMillis(1), watchdog.period());
        await().until(() -> watchdog.scans() > 2);
        assertTrue(watchdog.toString().contains("running"), watchdog.toString());
        watchdog.close();
        watchdog.close();
        assertFalse(watchdog.thread().isAlive());
        assertTrue(watchdog.toString().endsWith("closed]"), watchdog.toString());
        try (DeadlockWatchdog defaults = DeadlockWatchdog.start(Duration.ofDays(1))) {
            assertTrue(defaults.thread().isDaemon(), "the default thread never keeps the JVM up");
            assertFalse(defaults.thread().isVirtual());
        }
    }

    @Test
    void argumentsAreChecked() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> DeadlockWatchdog.start(Duration.ZERO));
        assertEquals("period must be positive: PT0S", zero.getMessage());
        assertEquals("threadFactory", assertThrows(NullPointerException.class,
                () -> DeadlockWatchdog.start(Duration.ofSeconds(1), null)).getMessage());
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> DeadlockWatchdog.start(Duration.ofSeconds(1), runnable -> null));
        assertTrue(refused.getMessage().startsWith("threadFactory refused"), refused.getMessage());
        assertEquals("period must not be negative: PT-1S", assertThrows(IllegalArgumentException.class,
                () -> DeadlockWatchdog.start(Duration.ofSeconds(-1))).getMessage());
    }

    @Test
    void anEnormousPeriodSaturates() {
        try (DeadlockWatchdog watchdog = DeadlockWatchdog.start(Duration.ofSeconds(Long.MAX_VALUE))) {
            assertTrue(watchdog.period().compareTo(Duration.ofDays(365)) > 0, watchdog::toString);
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aFactoryThatStartsItsThreadIsRefusedAndNoWatchdogRuns(ThreadKind kind) throws Exception {
        List<Thread> made = new CopyOnWriteArrayList<>();
        AtomicInteger scans = new AtomicInteger();
        IllegalStateException started = assertThrows(IllegalStateException.class,
                () -> DeadlockWatchdog.start(Duration.ofMillis(1), runnable -> {
                    Thread thread = kind.factory().newThread(() -> {
                        runnable.run();
                        scans.incrementAndGet(); // reached only if the refused watchdog's loop ended
                    });
                    made.add(thread);
                    thread.start();
                    return thread;
                }));
        assertTrue(started.getMessage().contains("a ThreadFactory must return a thread that is not started yet"),
                started.getMessage());
        made.getFirst().join(); // the rogue thread found the watchdog refused and ended at once
        assertEquals(1, scans.get());
        assertThrows(IllegalArgumentException.class,
                () -> new Deadlock(List.of(Thread.currentThread()), List.of(), "r"));
    }
}
