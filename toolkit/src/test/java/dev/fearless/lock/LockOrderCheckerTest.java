package dev.fearless.lock;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.fearless.internal.Threads;
import dev.fearless.lock.LockOrderChecker.Mode;
import dev.fearless.telemetry.Telemetry;
import dev.fearless.testing.RecordingListener;
import dev.fearless.testing.ThreadKind;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/** Behaviour 3: the lock-order checker reports cycles of any length before they deadlock. */
@Timeout(60)
class LockOrderCheckerTest {

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger checkerLog = (Logger) LoggerFactory.getLogger(LockOrderChecker.class);

    @BeforeEach
    void captureLog() {
        logged.start();
        checkerLog.addAppender(logged);
    }

    @AfterEach
    void restore() {
        checkerLog.detachAppender(logged);
        LockOrderChecker.setMode(Mode.OFF);
        LockOrderChecker.setRecordHoldSites(false);
        LockOrderChecker.setCheckHoldAndWait(false);
        LockOrderChecker.reset();
    }

    private static void nest(RankedLock outer, RankedLock inner) {
        outer.lock();
        try {
            inner.lock();
            inner.unlock();
        } finally {
            outer.unlock();
        }
    }

    private static boolean hasEdge(RankedLock from, RankedLock to) {
        return from.ranking.node().out.containsKey(to.ranking.node().key);
    }

    private List<String> warnings() {
        return logged.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }

    // ------------------------------------------------------------------ cycles

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void throwModeReportsAnInversionBeforeAcquiring(ThreadKind kind) throws Exception {
        LockOrderChecker.setMode(Mode.THROW);
        OrderedLock a = new OrderedLock("a");
        OrderedLock b = new OrderedLock("b");
        Queue<Throwable> failures = ThreadKind.failures();
        Thread other = kind.start(failures, () -> nest(a, b));
        ThreadKind.joinAll(failures, List.of(other));

        b.lock();
        try {
            PotentialDeadlockException e = assertThrows(PotentialDeadlockException.class, a::lock);
            assertFalse(a.isLocked(), "thrown before acquiring");
            assertTrue(b.isHeldByCurrentThread(), "what was held stays held");
            assertEquals(List.of(b.ranking.label(), a.ranking.label()), e.cycle());
            String report = e.getMessage();
            assertTrue(report.startsWith("Potential deadlock: taking " + a.ranking.label() + " while holding " + b.ranking.label()), report);
            assertTrue(report.contains("by " + Threads.current()), report);
            assertTrue(report.contains("by " + Threads.describe(other)), report);
            assertEquals(kind == ThreadKind.VIRTUAL, report.contains(", virtual)"), report);
            assertTrue(report.contains("Possible interleaving"), report);
            assertTrue(report.contains("*** DEADLOCK ***"), report);
            assertEquals(4, stacksPointingInto(report, "dev.fearless.lock.LockOrderCheckerTest."),
                    "both stacks of both edges point into this test (THROW records hold sites):\n" + report);
            assertFalse(report.contains("at dev.fearless.lock.RankedLock."), "the checker's own frames are trimmed");
            assertThrows(PotentialDeadlockException.class, a::lock, "every later attempt throws again");
            assertThrows(PotentialDeadlockException.class, () -> a.tryLock(1, TimeUnit.SECONDS));
            assertTrue(a.tryLock(), "an untimed tryLock cannot deadlock, so it is allowed");
            a.unlock();
        } finally {
            b.unlock();
        }
    }

    /** How many of the report's "X taken at:" stacks include a frame of {@code code}. */
    private static long stacksPointingInto(String report, String code) {
        String[] sections = report.split(" taken at:\n");
        return Arrays.stream(sections).skip(1)
                .filter(section -> section.lines().takeWhile(line -> line.startsWith("        "))
                        .anyMatch(line -> line.contains("at " + code)))
                .count();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aCycleOfThreeLocksOverThreeThreadsIsReported(ThreadKind kind) throws Exception {
        LockOrderChecker.setMode(Mode.THROW);
        OrderedLock a = new OrderedLock("a");
        OrderedLock b = new OrderedLock("b");
        OrderedLock c = new OrderedLock("c");
        Queue<Throwable> failures = ThreadKind.failures();
        ThreadKind.joinAll(failures, List.of(kind.start(failures, () -> nest(a, b))));
        ThreadKind.joinAll(failures, List.of(kind.start(failures, () -> nest(b, c))));
        c.lock();
        try {
            PotentialDeadlockException e = assertThrows(PotentialDeadlockException.class, a::lock);
            assertEquals(List.of(c.ranking.label(), a.ranking.label(), b.ranking.label()), e.cycle());
            assertTrue(e.getMessage().contains("[3/3]"), e.getMessage());
            assertTrue(e.getMessage().contains("Thread 3"), e.getMessage());
        } finally {
            c.unlock();
        }
    }

    @Test
    void longCyclesAreListedRatherThanDrawn() {
        LockOrderChecker.setMode(Mode.THROW);
        List<OrderedLock> locks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            locks.add(new OrderedLock("l" + i));
        }
        for (int i = 0; i < 5; i++) {
            nest(locks.get(i), locks.get(i + 1));
        }
        PotentialDeadlockException e = assertThrows(PotentialDeadlockException.class,
                () -> nest(locks.getLast(), locks.getFirst()));
        assertEquals(6, e.cycle().size());
        assertTrue(e.getMessage().contains("Thread 1: lock(l5#"), e.getMessage());
        assertTrue(e.getMessage().contains("Thread 6: lock(l4#"), e.getMessage());
    }

    @Test
    void warnModeLogsOncePerEdgeReportsTelemetryAndProceeds() {
        LockOrderChecker.setMode(Mode.WARN);
        OrderedLock a = new OrderedLock("a");
        OrderedLock b = new OrderedLock("b");
        RecordingListener listener = new RecordingListener();
        try (Telemetry.Registration _ = listener.register()) {
            nest(a, b);
            nest(b, a);
            nest(b, a);
        }
        assertEquals(1, warnings().size(), "logged once per edge");
        assertEquals(List.of(List.of(b.ranking.label(), a.ranking.label())), listener.cycles);
        assertEquals(warnings().getFirst(), listener.reports.getFirst());
        assertTrue(warnings().getFirst().contains("(not recorded: LockOrderChecker.setRecordHoldSites(true)"),
                "WARN does not record hold sites by default");
        assertFalse(a.isLocked() || b.isLocked());
    }

    @Test
    void warnModeCanRecordHoldSites() {
        LockOrderChecker.setMode(Mode.WARN);
        LockOrderChecker.setRecordHoldSites(true);
        assertTrue(LockOrderChecker.recordsHoldSites());
        OrderedLock a = new OrderedLock("a");
        OrderedLock b = new OrderedLock("b");
        nest(a, b);
        nest(b, a);
        String report = warnings().getFirst();
        assertFalse(report.contains("(not recorded"), report);
        assertEquals(4, stacksPointingInto(report, "dev.fearless.lock.LockOrderCheckerTest.nest"), report);
    }

    // ------------------------------------------------------------------ lock classes

    @Test
    void lockClassesCatchInversionsBetweenDifferentInstances() {
        LockOrderChecker.setMode(Mode.THROW);
        OrderedLock alice = new OrderedLock("alice", "Account");
        OrderedLock bob = new OrderedLock("bob", "Account");
        OrderedLock ledger = new OrderedLock("ledger");
        nest(alice, ledger);
        PotentialDeadlockException e = assertThrows(PotentialDeadlockException.class, () -> nest(ledger, bob));
        assertEquals(List.of(ledger.ranking.nodeLabel(), "Account"), e.cycle());
        assertTrue(e.getMessage().contains(bob.ranking.label() + " taken while holding " + ledger.ranking.label()),
                e.getMessage());
        assertTrue(e.getMessage().contains(ledger.ranking.label() + " taken while holding " + alice.ranking.label()),
                e.getMessage());
        assertTrue(e.getMessage().contains("(Account is a lock class"), e.getMessage());
    }

    @Test
    void nestingTwoLocksOfOneClassIsACycleOfThatClass() {
        LockOrderChecker.setMode(Mode.THROW);
        OrderedLock alice = new OrderedLock("alice", "Account");
        OrderedLock bob = new OrderedLock("bob", "Account");
        PotentialDeadlockException e = assertThrows(PotentialDeadlockException.class, () -> nest(alice, bob));
        assertEquals(List.of("Account"), e.cycle());
        String report = e.getMessage();
        assertTrue(report.contains("lock(" + alice.ranking.label() + ")"), report);
        assertTrue(report.contains("lock(" + bob.ranking.label() + ")"), report);
        assertTrue(report.contains("Thread 2"), report);
        assertFalse(alice.isLocked() || bob.isLocked());
    }

    // ------------------------------------------------------------------ sets

    @Test
    void membersOfASetAreNotOrderedAmongThemselves() {
        LockOrderChecker.setMode(Mode.THROW);
        OrderedLock alice = new OrderedLock("alice", "Account");
        OrderedLock bob = new OrderedLock("bob", "Account");
        Locks.lockAll(alice, bob).close();
        Locks.lockAll(bob, alice).close();
        Locks.lockAll(Locks.Strategy.ORDERED, List.of(bob, alice)).close();
        assertTrue(alice.ranking.node().out.isEmpty());
        assertFalse(alice.isLocked() || bob.isLocked());
    }

    @Test
    void locksHeldBeforeASetAreOrderedBeforeEachMember() {
        LockOrderChecker.setMode(Mode.THROW);
        OrderedLock a = new OrderedLock("a");
        OrderedLock b = new OrderedLock("b");
        OrderedLock c = new OrderedLock("c");
        c.lock();
        try (HeldLocks _ = Locks.lockAll(a, b)) {
            assertTrue(hasEdge(c, a) && hasEdge(c, b));
        } finally {
            c.unlock();
        }
        assertThrows(PotentialDeadlockException.class, () -> nest(b, c));
    }

    @Test
    void aViolatingSetThrowsBeforeTakingAnyMember() throws InterruptedException {
        LockOrderChecker.setMode(Mode.THROW);
        OrderedLock a = new OrderedLock("a");
        OrderedLock b = new OrderedLock("b");
        OrderedLock c = new OrderedLock("c");
        nest(a, c);
        c.lock();
        try {
            assertThrows(PotentialDeadlockException.class, () -> Locks.lockAll(b, a));
            assertThrows(PotentialDeadlockException.class, () -> Locks.lockAllInterruptibly(a, b));
            assertThrows(PotentialDeadlockException.class, () -> Locks.tryLockAll(Duration.ZERO, a, b));
            assertFalse(a.isLocked() || b.isLocked());
            assertTrue(c.isHeldByCurrentThread());
        } finally {
            c.unlock();
        }
        Locks.tryLockAll(Duration.ZERO, a, b, c).orElseThrow(() -> new AssertionError("holding nothing, the set is fine"))
                .close();
    }

    @Test
    void holdAndWaitThrowsBeforeTakingAnyMember() {
        LockOrderChecker.setMode(Mode.THROW);
        LockOrderChecker.setCheckHoldAndWait(true);
        assertTrue(LockOrderChecker.checksHoldAndWait());
        OrderedLock a = new OrderedLock("a");
        OrderedLock b = new OrderedLock("b");
        OrderedLock c = new OrderedLock("c");
        RecordingListener listener = new RecordingListener();
        try (Telemetry.Registration _ = listener.register(); HeldLocks outer = Locks.lockAll(c)) {
            HoldAndWaitException e = assertThrows(HoldAndWaitException.class, () -> Locks.lockAll(a, b));
            assertThrows(HoldAndWaitException.class, () -> Locks.lockAll(b, a), "every attempt throws");
            assertEquals(1, listener.events("violation").size(), "telemetry hears of it once");
            assertEquals(List.of(c.ranking.label()), e.held());
            assertEquals(List.of(a.ranking.label(), b.ranking.label()), e.requested());
            assertEquals(List.of(c.ranking.label(), a.ranking.label(), b.ranking.label()), e.locks());
            assertTrue(e.getMessage().startsWith("Hold and wait: " + Threads.current()),
                    e.getMessage());
            assertFalse(a.isLocked() || b.isLocked());
            try (HeldLocks _ = Locks.lockAll(c)) {
                assertEquals(2, c.getHoldCount(), "re-entering what is held is not hold-and-wait");
            }
            assertTrue(outer.locks().contains(c));
        }
    }

    @Test
    void holdAndWaitIsLoggedOncePerOrderingInWarnMode() {
        LockOrderChecker.setMode(Mode.WARN);
        LockOrderChecker.setCheckHoldAndWait(true);
        OrderedLock a = new OrderedLock("a");
        OrderedLock b = new OrderedLock("b");
        OrderedLock c = new OrderedLock("c");
        for (int i = 0; i < 3; i++) {
            nestSet(c, a, b);
        }
        assertEquals(1, warnings().size(), "the same orderings are reported once");
        assertTrue(warnings().getFirst().startsWith("Hold and wait"), warnings().getFirst());
        nestSet(c, a, new OrderedLock("d"));
        assertEquals(2, warnings().size(), "a new ordering (c -> d) is reported again");
    }

    private static void nestSet(RankedLock outer, RankedLock... set) {
        outer.lock();
        try {
            Locks.lockAll(set).close();
        } finally {
            outer.unlock();
        }
    }

    // ------------------------------------------------------------------ what counts as an ordering

    @Test
    void anUntimedTryLockRecordsNoOrderingButCountsAsHeld() {
        LockOrderChecker.setMode(Mode.THROW);
        OrderedLock a = new OrderedLock("a");
        OrderedLock b = new OrderedLock("b");
        OrderedLock c = new OrderedLock("c");
        a.lock();
        assertTrue(b.tryLock());
        c.lock();
        c.unlock();
        b.unlock();
        a.unlock();
        assertFalse(hasEdge(a, b), "tryLock() cannot wait");
        assertTrue(hasEdge(b, c), "but b was held when c was taken");
        nest(b, a); // no cycle: a -> b was never recorded
    }

    @Test
    void reentryRecordsNothing() {
        LockOrderChecker.setMode(Mode.THROW);
        OrderedLock a = new OrderedLock("a");
        OrderedLock b = new OrderedLock("b");
        a.lock();
        b.lock();
        a.lock(); // reentrant while holding b: no b -> a
        a.unlock();
        b.unlock();
        a.unlock();
        assertFalse(hasEdge(b, a));
    }

    @Test
    void readAndWriteViewsAreOneLockForOrdering() {
        LockOrderChecker.setMode(Mode.THROW);
        OrderedReadWriteLock rw = new OrderedReadWriteLock("rw");
        OrderedLock x = new OrderedLock("x");
        nest(rw.readLock(), x);
        assertThrows(PotentialDeadlockException.class, () -> nest(x, rw.writeLock()));
        rw.writeLock().lock();
        rw.readLock().lock(); // downgrade: the same lock, no ordering
        rw.writeLock().unlock();
        rw.readLock().unlock();
        assertFalse(hasEdge(rw.writeLock(), rw.readLock()));
    }

    @Test
    void locksReleasedWhileTheCheckerWasOffAreNotHeldWhenItIsBack() {
        LockOrderChecker.setMode(Mode.THROW);
        OrderedLock a = new OrderedLock("a");
        OrderedLock b = new OrderedLock("b");
        a.lock();
        LockOrderChecker.setMode(Mode.OFF);
        a.unlock();
        LockOrderChecker.setMode(Mode.THROW);
        b.lock();
        b.unlock();
        assertFalse(hasEdge(a, b));
    }

    // ------------------------------------------------------------------ reset, forget, no leak

    @Test
    void resetAndForgetDropOrderings() {
        LockOrderChecker.setMode(Mode.THROW);
        OrderedLock a = new OrderedLock("a");
        OrderedLock b = new OrderedLock("b");
        OrderedLock c = new OrderedLock("c");
        nest(a, b);
        nest(a, c);
        LockOrderChecker.forget(b);
        nest(b, a); // b's orderings are gone
        assertThrows(PotentialDeadlockException.class, () -> nest(c, a), "c's remain");
        LockOrderChecker.reset();
        nest(c, a);
        assertFalse(hasEdge(a, c));
        LockOrderChecker.forget(new OrderedLock()); // a lock the checker never saw
    }

    @Test
    void theGraphHoldsLocksWeakly() {
        LockOrderChecker.setMode(Mode.WARN);
        int nodesBefore = LockGraph.GLOBAL.nodeCount();
        ReferenceQueue<OrderedLock> queue = new ReferenceQueue<>();
        WeakReference<OrderedLock> probe = recordOrderingsOfThrowawayLocks(queue);
        assertTrue(LockGraph.GLOBAL.nodeCount() >= nodesBefore + 100, "the orderings were recorded");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
            System.gc();
            return queue.poll() == probe && LockGraph.GLOBAL.nodeCount() <= nodesBefore;
        });
        assertNull(probe.get());
    }

    private static WeakReference<OrderedLock> recordOrderingsOfThrowawayLocks(ReferenceQueue<OrderedLock> queue) {
        OrderedLock root = new OrderedLock("root");
        for (int i = 0; i < 99; i++) {
            nest(root, new OrderedLock("leaf" + i));
        }
        assertEquals(99, root.ranking.node().out.size());
        return new WeakReference<>(root, queue);
    }

    // ------------------------------------------------------------------ google/guava#2048

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void twoThreadsAddingTheTwoHalvesOfACycleAtOnceAreReported(ThreadKind kind) throws Exception {
        LockOrderChecker.setMode(Mode.WARN);
        RecordingListener listener = new RecordingListener();
        int rounds = 100;
        try (Telemetry.Registration _ = listener.register()) {
            for (int round = 0; round < rounds; round++) {
                OrderedLock a = new OrderedLock("a");
                OrderedLock b = new OrderedLock("b");
                CyclicBarrier bothHoldTheirFirst = new CyclicBarrier(2);
                Queue<Throwable> failures = ThreadKind.failures();
                ThreadKind.joinAll(failures, List.of(
                        kind.start(failures, () -> crossOver(a, b, bothHoldTheirFirst)),
                        kind.start(failures, () -> crossOver(b, a, bothHoldTheirFirst))));
            }
        }
        assertEquals(rounds, listener.cycles.size(), "exactly one of the two halves is reported, every round");
    }

    /** Holds first; when the other thread holds its first too, tries (timed: an ordering) the other's. */
    private static void crossOver(OrderedLock first, OrderedLock second, CyclicBarrier barrier) throws Exception {
        first.lock();
        try {
            barrier.await();
            if (second.tryLock(1, TimeUnit.MILLISECONDS)) {
                second.unlock();
            }
        } finally {
            first.unlock();
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void inThrowModeExactlyOneOfTwoRacingHalvesThrows(ThreadKind kind) throws Exception {
        LockOrderChecker.setMode(Mode.THROW);
        AtomicInteger thrown = new AtomicInteger();
        int rounds = 100;
        for (int round = 0; round < rounds; round++) {
            OrderedLock a = new OrderedLock("a");
            OrderedLock b = new OrderedLock("b");
            CyclicBarrier bothHoldTheirFirst = new CyclicBarrier(2);
            Queue<Throwable> failures = ThreadKind.failures();
            ThreadKind.Body left = () -> {
                try {
                    crossOverBlocking(a, b, bothHoldTheirFirst);
                } catch (PotentialDeadlockException e) {
                    thrown.incrementAndGet();
                }
            };
            ThreadKind.Body right = () -> {
                try {
                    crossOverBlocking(b, a, bothHoldTheirFirst);
                } catch (PotentialDeadlockException e) {
                    thrown.incrementAndGet();
                }
            };
            ThreadKind.joinAll(failures, List.of(kind.start(failures, left), kind.start(failures, right)));
        }
        assertEquals(rounds, thrown.get(), "one thread per round is stopped, so neither deadlocks");
    }

    private static void crossOverBlocking(OrderedLock first, OrderedLock second, CyclicBarrier barrier)
            throws Exception {
        first.lock();
        try {
            barrier.await();
            second.lock(); // would deadlock without the checker
            second.unlock();
        } finally {
            first.unlock();
        }
    }

    // ------------------------------------------------------------------ settings

    @Test
    void settingsAreValidated() {
        assertEquals(Mode.THROW, LockGraph.parseMode(" Throw "));
        assertEquals(Mode.OFF, LockGraph.parseMode(""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LockGraph.parseMode("wran"));
        assertEquals("fearless.lock.checker must be off, warn or throw: 'wran'", e.getMessage());
        assertEquals("mode", assertThrows(NullPointerException.class, () -> LockOrderChecker.setMode(null)).getMessage());
        assertEquals("lock", assertThrows(NullPointerException.class, () -> LockOrderChecker.forget(null)).getMessage());
        LockOrderChecker.setMode(Mode.WARN);
        assertEquals(Mode.WARN, LockOrderChecker.mode());
    }
}
