package dev.fearless.lock;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.telemetry.Telemetry;
import dev.fearless.testing.RecordingListener;
import dev.fearless.testing.ThreadKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Behaviour 1: OrderedLock is a reentrant Lock with a stable unique rank, a name and a lock class. */
@Timeout(30)
class OrderedLockTest {

    @AfterEach
    void checkerOff() {
        LockOrderChecker.setMode(LockOrderChecker.Mode.OFF);
        LockOrderChecker.reset();
    }

    static void awaitQueued(RankedLock lock, Thread thread) {
        await().pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(20)).until(() -> lock.isQueued(thread));
    }

    // ------------------------------------------------------------------ identity

    @Test
    void ranksAreUniqueStableAndFollowCreationOrder() throws InterruptedException {
        OrderedLock first = new OrderedLock();
        OrderedLock second = new OrderedLock();
        assertTrue(second.rank() > first.rank());
        long before = first.rank();
        first.lock();
        first.unlock();
        assertEquals(before, first.rank(), "the rank never changes");

        Set<Long> ranks = ConcurrentHashMap.newKeySet();
        Queue<Throwable> failures = ThreadKind.failures();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(ThreadKind.VIRTUAL.start(failures, () -> {
                for (int i = 0; i < 1000; i++) {
                    ranks.add(new OrderedLock().rank());
                }
            }));
        }
        ThreadKind.joinAll(failures, threads);
        assertEquals(8000, ranks.size(), "ranks made concurrently never collide");
    }

    @Test
    void nameAndLockClassAreKeptAndShown() {
        OrderedLock alice = new OrderedLock("alice", "Account");
        assertEquals("alice", alice.name());
        assertEquals("Account", alice.lockClass());
        assertEquals("OrderedLock[alice#" + alice.rank() + " (Account), unlocked]", alice.toString());
        alice.lock();
        try {
            assertTrue(alice.toString().endsWith("locked by " + dev.fearless.internal.Threads.current() + "]"), alice::toString);
        } finally {
            alice.unlock();
        }
        OrderedLock unnamed = new OrderedLock();
        assertEquals(dev.fearless.telemetry.Telemetry.DEFAULT_NAME, unnamed.name(), "a default name, never null");
        assertNull(unnamed.lockClass());
        assertEquals("OrderedLock[lock#" + unnamed.rank() + ", unlocked]", unnamed.toString());
    }

    @Test
    void blankNamesAreRejected() {
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class, () -> new OrderedLock(" "));
        assertEquals("name must not be blank: \" \"", name.getMessage());
        IllegalArgumentException lockClass = assertThrows(IllegalArgumentException.class,
                () -> new OrderedLock("a", ""));
        assertEquals("lockClass must not be blank: \"\"", lockClass.getMessage());
    }

    // ------------------------------------------------------------------ Lock semantics

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void reentrantAndExclusive(ThreadKind kind) throws Exception {
        OrderedLock lock = new OrderedLock("r");
        lock.lock();
        lock.lock();
        assertEquals(2, lock.getHoldCount());
        assertTrue(lock.isHeldByCurrentThread());
        assertTrue(lock.isLocked());

        Queue<Throwable> failures = ThreadKind.failures();
        AtomicBoolean otherGotIt = new AtomicBoolean(true);
        ThreadKind.joinAll(failures, List.of(kind.start(failures, () -> otherGotIt.set(lock.tryLock()))));
        assertFalse(otherGotIt.get(), "another thread cannot take a held lock");

        lock.unlock();
        assertEquals(1, lock.getHoldCount());
        lock.unlock();
        assertFalse(lock.isLocked());
        ThreadKind.joinAll(failures, List.of(kind.start(failures, () -> {
            otherGotIt.set(lock.tryLock());
            lock.unlock();
        })));
        assertTrue(otherGotIt.get());
    }

    @Test
    void unlockWithoutHoldingThrows() {
        assertThrows(IllegalMonitorStateException.class, () -> new OrderedLock().unlock());
    }

    @Test
    void interruptPendingOnEntryThrowsEvenIfTheLockIsFree() {
        OrderedLock lock = new OrderedLock();
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, lock::lockInterruptibly);
        assertFalse(Thread.currentThread().isInterrupted(), "the interrupt is consumed");
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> lock.tryLock(1, TimeUnit.SECONDS));
        assertFalse(lock.isLocked());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void interruptWhileWaitingThrowsAndLeavesNothingHeld(ThreadKind kind) throws Exception {
        OrderedLock lock = new OrderedLock("busy");
        lock.lock();
        Queue<Throwable> failures = ThreadKind.failures();
        AtomicBoolean interrupted = new AtomicBoolean();
        Thread waiter = kind.start(failures, () -> {
            try {
                lock.lockInterruptibly();
                lock.unlock();
            } catch (InterruptedException e) {
                interrupted.set(!lock.isHeldByCurrentThread());
            }
        });
        awaitQueued(lock, waiter);
        waiter.interrupt();
        ThreadKind.joinAll(failures, List.of(waiter));
        lock.unlock();
        assertTrue(interrupted.get());
        assertFalse(lock.isLocked());
        assertNull(RankedLock.WAITING.get(waiter), "the waiter is no longer registered as waiting");
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void timedTryLockTimesOutThenSucceeds(ThreadKind kind) throws Exception {
        OrderedLock lock = new OrderedLock();
        lock.lock();
        Queue<Throwable> failures = ThreadKind.failures();
        AtomicBoolean timedOut = new AtomicBoolean();
        ThreadKind.joinAll(failures, List.of(kind.start(failures, () -> timedOut.set(!lock.tryLock(5, TimeUnit.MILLISECONDS)))));
        assertTrue(timedOut.get());

        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean acquired = new AtomicBoolean();
        Thread waiter = kind.start(failures, () -> {
            started.countDown();
            acquired.set(lock.tryLock(20, TimeUnit.SECONDS));
            lock.unlock();
        });
        started.await();
        awaitQueued(lock, waiter);
        lock.unlock();
        ThreadKind.joinAll(failures, List.of(waiter));
        assertTrue(acquired.get());
        assertFalse(lock.isLocked());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void conditionsWaitAndSignalLikeReentrantLocks(ThreadKind kind) throws Exception {
        OrderedLock lock = new OrderedLock("queue");
        Condition ready = lock.newCondition();
        AtomicBoolean flag = new AtomicBoolean();
        Queue<Throwable> failures = ThreadKind.failures();
        AtomicBoolean sawFlag = new AtomicBoolean();
        Thread waiter = kind.start(failures, () -> {
            lock.lock();
            try {
                while (!flag.get()) {
                    ready.await();
                }
                sawFlag.set(lock.getHoldCount() == 1);
            } finally {
                lock.unlock();
            }
        });
        await().pollInterval(Duration.ofMillis(1)).until(() -> RankedLock.WAITING.get(waiter) == lock);
        lock.lock();
        try {
            flag.set(true);
            ready.signalAll();
        } finally {
            lock.unlock();
        }
        ThreadKind.joinAll(failures, List.of(waiter));
        assertTrue(sawFlag.get());
        assertNull(RankedLock.WAITING.get(waiter));
        assertThrows(IllegalMonitorStateException.class, ready::await, "awaiting without the lock");
        assertThrows(IllegalMonitorStateException.class, ready::signal, "signalling without the lock");
    }

    // ------------------------------------------------------------------ telemetry

    @Test
    void telemetryReportsOutermostHoldsOnly() {
        RecordingListener listener = new RecordingListener();
        try (Telemetry.Registration _ = listener.register()) {
            OrderedLock lock = new OrderedLock("inventory");
            lock.lock();
            lock.lock();
            assertTrue(lock.tryLock());
            lock.unlock();
            lock.unlock();
            lock.unlock();
            new OrderedLock().lock();
        }
        assertEquals(List.of("acquired inventory", "released inventory", "acquired " + Telemetry.DEFAULT_NAME),
                listener.events);
        assertEquals(0L, listener.waits.getFirst());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void telemetryReportsContentionTimeoutsAndInterrupts(ThreadKind kind) throws Exception {
        RecordingListener listener = new RecordingListener();
        OrderedLock lock = new OrderedLock("hot");
        Queue<Throwable> failures = ThreadKind.failures();
        try (Telemetry.Registration _ = listener.register()) {
            lock.lock();
            Thread contender = kind.start(failures, () -> {
                lock.lock();
                lock.unlock();
            });
            awaitQueued(lock, contender);
            Thread timer = kind.start(failures, () -> assertFalse(lock.tryLock(1, TimeUnit.MILLISECONDS)));
            ThreadKind.joinAll(failures, List.of(timer));
            Thread interruptible = kind.start(failures, () -> assertThrows(InterruptedException.class, lock::lockInterruptibly));
            awaitQueued(lock, interruptible);
            interruptible.interrupt();
            ThreadKind.joinAll(failures, List.of(interruptible));
            lock.unlock();
            ThreadKind.joinAll(failures, List.of(contender));
        }
        assertEquals(List.of("acquired hot", "abandoned hot timeout", "abandoned hot cancelled"),
                listener.events.subList(0, 3));
        // the main thread's release event and the contender's acquisition race; both happen
        assertEquals(List.of("acquired hot contended", "released hot", "released hot"),
                listener.events.subList(3, 6).stream().sorted().toList());
        assertEquals(6, listener.events.size());
    }

    @Test
    void aConditionWaitIsReportedAsAReleaseAndAReacquisition() throws Exception {
        RecordingListener listener = new RecordingListener();
        OrderedLock lock = new OrderedLock("cond");
        Condition condition = lock.newCondition();
        try (Telemetry.Registration _ = listener.register()) {
            lock.lock();
            try {
                assertFalse(condition.await(1, TimeUnit.MILLISECONDS));
            } finally {
                lock.unlock();
            }
        }
        assertEquals(List.of("acquired cond", "released cond", "acquired cond", "released cond"), listener.events);
    }

    // ------------------------------------------------------------------ behaviour 5: cost

    @Test
    void withTheCheckerOffAndNoListenerNothingIsRecorded() {
        assertEquals(LockOrderChecker.Mode.OFF, LockOrderChecker.mode());
        assertNull(Telemetry.listener());
        OrderedLock outer = new OrderedLock();
        OrderedLock inner = new OrderedLock();
        outer.lock();
        inner.lock();
        inner.unlock();
        outer.unlock();
        try (HeldLocks held = Locks.lockAll(outer, inner)) {
            assertEquals(2, held.locks().size());
        }
        assertNull(outer.ranking.node, "no graph node is made while the checker is off");
        assertNull(inner.ranking.node);
        assertFalse(RankedLock.WAITING.containsKey(Thread.currentThread()), "uncontended: never registered as waiting");
    }
}
