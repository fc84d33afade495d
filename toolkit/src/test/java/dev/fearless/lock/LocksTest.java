package dev.fearless.lock;

import static dev.fearless.lock.OrderedLockTest.awaitQueued;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.lock.Locks.Strategy;
import dev.fearless.telemetry.Telemetry;
import dev.fearless.testing.RecordingListener;
import dev.fearless.testing.ThreadKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Behaviour 2: any set of locks at once, deadlock-free, one AutoCloseable, all or nothing. */
@Timeout(60)
class LocksTest {

    @AfterEach
    void checkerOff() {
        LockOrderChecker.setMode(LockOrderChecker.Mode.OFF);
        LockOrderChecker.reset();
    }

    static Stream<Arguments> strategiesAndThreads() {
        return Arrays.stream(Strategy.values())
                .flatMap(strategy -> Arrays.stream(ThreadKind.values()).map(kind -> Arguments.of(strategy, kind)));
    }

    // ------------------------------------------------------------------ basics

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void takesEveryLockAndReleasesInReverseOrder(Strategy strategy) {
        OrderedLock a = new OrderedLock("a");
        OrderedLock b = new OrderedLock("b");
        OrderedLock c = new OrderedLock("c");
        RecordingListener listener = new RecordingListener();
        try (Telemetry.Registration _ = listener.register()) {
            try (HeldLocks held = Locks.lockAll(strategy, List.of(c, a, b))) {
                assertTrue(a.isHeldByCurrentThread() && b.isHeldByCurrentThread() && c.isHeldByCurrentThread());
                assertEquals(List.of(a, b, c), held.locks(), "rank order");
            }
        }
        assertFalse(a.isLocked() || b.isLocked() || c.isLocked());
        assertEquals(List.of("acquired a", "acquired b", "acquired c", "released c", "released b", "released a"),
                listener.events);
    }

    @Test
    void everyEntryPointTakesTheWholeSet() throws InterruptedException {
        OrderedLock a = new OrderedLock();
        OrderedLock b = new OrderedLock();
        List<HeldLocks> sets = new ArrayList<>();
        sets.add(Locks.lockAll(b, a));
        sets.add(Locks.lockAll(new RankedLock[] {b, a}));
        sets.add(Locks.lockAll(List.of(b, a)));
        sets.add(Locks.lockAllInterruptibly(b, a));
        sets.add(Locks.lockAllInterruptibly(List.of(b, a)));
        sets.add(Locks.lockAllInterruptibly(Strategy.ORDERED, List.of(b, a)));
        sets.add(Locks.tryLockAll(Duration.ZERO, b, a).orElseThrow());
        sets.add(Locks.tryLockAll(Duration.ofSeconds(1), List.of(b, a)).orElseThrow());
        sets.add(Locks.tryLockAll(Strategy.BACK_OFF, Duration.ofSeconds(1), List.of(b, a)).orElseThrow());
        sets.add(Locks.tryLockAll(Duration.ofSeconds(Long.MAX_VALUE), b, a).orElseThrow()); // saturates
        assertEquals(sets.size(), a.getHoldCount());
        assertEquals(sets.size(), b.getHoldCount());
        for (HeldLocks held : sets.reversed()) {
            assertEquals(List.of(a, b), held.locks());
            held.close();
        }
        assertFalse(a.isLocked() || b.isLocked());
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void duplicatesAreTakenOnce(Strategy strategy) {
        OrderedLock a = new OrderedLock("a");
        OrderedLock b = new OrderedLock("b");
        try (HeldLocks held = Locks.lockAll(strategy, List.of(a, b, a, a, b))) {
            assertEquals(List.of(a, b), held.locks());
            assertEquals(1, a.getHoldCount());
            assertEquals(1, b.getHoldCount());
        }
        try (HeldLocks held = Locks.lockAll(a, a)) {
            assertEquals(List.of(a), held.locks());
            assertEquals(1, a.getHoldCount());
        }
        assertFalse(a.isLocked() || b.isLocked());
    }

    @Test
    void aLockAlreadyHeldIsReenteredAndStaysHeldAfterClose() {
        OrderedLock a = new OrderedLock();
        OrderedLock b = new OrderedLock();
        a.lock();
        try (HeldLocks held = Locks.lockAll(a, b)) {
            assertEquals(2, a.getHoldCount());
            assertEquals(List.of(a, b), held.locks());
        }
        assertEquals(1, a.getHoldCount());
        assertFalse(b.isLocked());
        a.unlock();
    }

    @Test
    void anEmptySetHoldsNothing() throws InterruptedException {
        try (HeldLocks held = Locks.lockAll()) {
            assertTrue(held.locks().isEmpty());
        }
        assertTrue(Locks.tryLockAll(Duration.ZERO, List.of()).orElseThrow().locks().isEmpty());
    }

    @Test
    void badArgumentsAreRejectedBeforeAnythingIsTaken() {
        OrderedLock a = new OrderedLock();
        NullPointerException element = assertThrows(NullPointerException.class, () -> Locks.lockAll(a, null, a));
        assertEquals("locks[1]", element.getMessage());
        assertEquals("second", assertThrows(NullPointerException.class, () -> Locks.lockAll(a, null)).getMessage());
        assertEquals("locks", assertThrows(NullPointerException.class,
                () -> Locks.lockAll((List<RankedLock>) null)).getMessage());
        assertEquals("strategy", assertThrows(NullPointerException.class,
                () -> Locks.lockAll(null, List.of(a))).getMessage());
        assertEquals("timeout", assertThrows(NullPointerException.class,
                () -> Locks.tryLockAll(null, a)).getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> Locks.tryLockAll(Duration.ofSeconds(-1), a));
        assertEquals("timeout must not be negative: PT-1S", negative.getMessage());
        assertFalse(a.isLocked());
    }

    @Test
    void callerArraysAreNotReordered() {
        OrderedLock a = new OrderedLock();
        OrderedLock b = new OrderedLock();
        RankedLock[] locks = {b, a, b};
        Locks.lockAll(locks).close();
        assertEquals(List.of(b, a, b), Arrays.asList(locks));
    }

    // ------------------------------------------------------------------ closing

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void closingOnAnotherThreadIsRefusedAndReleasesNothing(ThreadKind kind) throws Exception {
        OrderedLock a = new OrderedLock("a");
        OrderedLock b = new OrderedLock("b");
        HeldLocks held = Locks.lockAll(a, b);
        Queue<Throwable> failures = ThreadKind.failures();
        AtomicReference<String> message = new AtomicReference<>();
        ThreadKind.joinAll(failures, List.of(kind.start(failures,
                () -> message.set(assertThrows(IllegalMonitorStateException.class, held::close).getMessage()))));
        assertTrue(a.isHeldByCurrentThread() && b.isHeldByCurrentThread());
        assertTrue(message.get().contains("does not hold a#" + a.rank() + ", b#" + b.rank()), message.get());
        assertTrue(message.get().contains(kind == ThreadKind.VIRTUAL ? "virtual" : "platform"), message.get());
        held.close();
        held.close(); // idempotent
        assertFalse(a.isLocked() || b.isLocked());
    }

    /** A set of two is held in two fields (no array) on the fast path and the general one alike. */
    @Test
    void aSetOfTwoListsDescribesAndReleasesItsLocksFromEveryPath() {
        OrderedLock a = new OrderedLock("a");
        OrderedLock b = new OrderedLock("b");
        HeldLocks fast = Locks.lockAll(b, a);
        HeldLocks general = Locks.lockAll(b, a, b); // normalized to two: the general path
        for (HeldLocks held : List.of(fast, general)) {
            assertEquals(List.of(a, b), held.locks(), "rank order");
            assertEquals("HeldLocks[a#" + a.rank() + ", b#" + b.rank() + "]", held.toString());
        }
        general.close();
        assertTrue(a.isHeldByCurrentThread() && b.isHeldByCurrentThread(), "the fast set still holds both");
        fast.close();
        fast.close(); // idempotent
        assertFalse(a.isLocked() || b.isLocked());
        assertTrue(fast.toString().endsWith("; released]"), fast.toString());
    }

    @Test
    void closingAfterUnlockingAMemberReleasesTheRestThenThrows() {
        OrderedLock a = new OrderedLock("a");
        OrderedLock b = new OrderedLock("b");
        HeldLocks held = Locks.lockAll(a, b);
        a.unlock();
        IllegalMonitorStateException e = assertThrows(IllegalMonitorStateException.class, held::close);
        assertTrue(e.getMessage().contains("does not hold a#" + a.rank()), e.getMessage());
        assertFalse(b.isLocked(), "nothing stays held");
    }

    // ------------------------------------------------------------------ no deadlock

    @ParameterizedTest
    @MethodSource("strategiesAndThreads")
    void oppositeAndOverlappingOrdersNeverDeadlock(Strategy strategy, ThreadKind kind) throws Exception {
        OrderedLock a = new OrderedLock("a");
        OrderedLock b = new OrderedLock("b");
        OrderedLock c = new OrderedLock("c");
        List<List<RankedLock>> orders = List.of(List.of(a, b), List.of(b, a), List.of(b, c), List.of(c, a),
                List.of(c, b, a, c), List.of(a, a));
        AtomicLong sets = new AtomicLong();
        Queue<Throwable> failures = ThreadKind.failures();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 12; t++) {
            List<RankedLock> set = orders.get(t % orders.size());
            threads.add(kind.start(failures, () -> {
                for (int i = 0; i < 2_000; i++) {
                    try (HeldLocks _ = Locks.lockAll(strategy, set)) {
                        assertTrue(set.stream().allMatch(RankedLock::isHeldByCurrentThread));
                        sets.incrementAndGet();
                    }
                }
            }));
        }
        ThreadKind.joinAll(failures, threads);
        assertFalse(a.isLocked() || b.isLocked() || c.isLocked());
        assertEquals(12 * 2_000, sets.get());
    }

    @ParameterizedTest
    @MethodSource("strategiesAndThreads")
    void setsSharingALockExcludeEachOther(Strategy strategy, ThreadKind kind) throws Exception {
        OrderedLock shared = new OrderedLock("shared");
        List<OrderedLock> others = List.of(new OrderedLock(), new OrderedLock(), new OrderedLock());
        long[] counter = new long[1];
        Queue<Throwable> failures = ThreadKind.failures();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            OrderedLock other = others.get(t % others.size());
            boolean sharedFirst = t % 2 == 0;
            threads.add(kind.start(failures, () -> {
                for (int i = 0; i < 5_000; i++) {
                    try (HeldLocks _ = Locks.lockAll(strategy, sharedFirst ? List.of(shared, other) : List.of(other, shared))) {
                        counter[0]++;
                    }
                }
            }));
        }
        ThreadKind.joinAll(failures, threads);
        assertEquals(30_000, counter[0], "the shared lock excludes every other holder");
    }

    // ------------------------------------------------------------------ timeouts and interrupts

    @ParameterizedTest
    @MethodSource("strategiesAndThreads")
    void aTimedOutSetHoldsNothing(Strategy strategy, ThreadKind kind) throws Exception {
        OrderedLock free = new OrderedLock("free");
        OrderedLock busy = new OrderedLock("busy");
        busy.lock();
        RecordingListener listener = new RecordingListener();
        Queue<Throwable> failures = ThreadKind.failures();
        AtomicReference<Optional<HeldLocks>> result = new AtomicReference<>();
        AtomicBoolean freeHeldAfter = new AtomicBoolean(true);
        try (Telemetry.Registration _ = listener.register()) {
            ThreadKind.joinAll(failures, List.of(kind.start(failures, () -> {
                result.set(Locks.tryLockAll(strategy, Duration.ofMillis(20), List.of(free, busy)));
                freeHeldAfter.set(free.isHeldByCurrentThread());
            })));
        } finally {
            busy.unlock();
        }
        assertTrue(result.get().isEmpty());
        assertFalse(freeHeldAfter.get());
        assertFalse(free.isLocked());
        assertEquals(List.of("abandoned free timeout", "abandoned busy timeout"), listener.events);
    }

    @ParameterizedTest
    @MethodSource("strategiesAndThreads")
    void aTimedSetSucceedsWhenTheBusyLockIsReleasedInTime(Strategy strategy, ThreadKind kind) throws Exception {
        OrderedLock first = new OrderedLock();
        OrderedLock busy = new OrderedLock();
        busy.lock();
        Queue<Throwable> failures = ThreadKind.failures();
        AtomicBoolean held = new AtomicBoolean();
        Thread waiter = kind.start(failures, () -> {
            try (HeldLocks set = Locks.tryLockAll(strategy, Duration.ofSeconds(20), List.of(first, busy)).orElseThrow()) {
                held.set(set.locks().size() == 2 && first.isHeldByCurrentThread() && busy.isHeldByCurrentThread());
            }
        });
        awaitQueued(busy, waiter);
        busy.unlock();
        ThreadKind.joinAll(failures, List.of(waiter));
        assertTrue(held.get());
    }

    @ParameterizedTest
    @MethodSource("strategiesAndThreads")
    void anInterruptedSetHoldsNothing(Strategy strategy, ThreadKind kind) throws Exception {
        OrderedLock free = new OrderedLock("free");
        OrderedLock busy = new OrderedLock("busy");
        busy.lock();
        Queue<Throwable> failures = ThreadKind.failures();
        AtomicBoolean clean = new AtomicBoolean();
        Thread waiter = kind.start(failures, () -> {
            assertThrows(InterruptedException.class, () -> Locks.lockAllInterruptibly(strategy, List.of(busy, free)));
            clean.set(!free.isHeldByCurrentThread() && !busy.isHeldByCurrentThread());
        });
        awaitQueued(busy, waiter);
        waiter.interrupt();
        ThreadKind.joinAll(failures, List.of(waiter));
        busy.unlock();
        assertTrue(clean.get());
        assertFalse(free.isLocked());
    }

    @Test
    void aPendingInterruptThrowsAtOnce() {
        OrderedLock a = new OrderedLock();
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> Locks.lockAllInterruptibly(a));
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> Locks.tryLockAll(Duration.ofSeconds(1), a));
        assertFalse(a.isLocked());
        Thread.currentThread().interrupt();
        Locks.lockAll(a, new OrderedLock()).close(); // uninterruptible: ignores it and keeps it
        assertTrue(Thread.interrupted());
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void backOffWaitsForTheLockThatWasBusyWhileHoldingNothing(Strategy strategy) throws Exception {
        OrderedLock low = new OrderedLock("low");
        OrderedLock high = new OrderedLock("high");
        high.lock();
        Queue<Throwable> failures = ThreadKind.failures();
        CountDownLatch done = new CountDownLatch(1);
        Thread waiter = ThreadKind.VIRTUAL.start(failures, () -> {
            try (HeldLocks _ = Locks.lockAll(strategy, List.of(low, high))) {
                done.countDown();
            }
        });
        awaitQueued(high, waiter);
        // ORDERED waits for high while holding low; BACK_OFF gave low back and waits holding nothing
        assertEquals(strategy == Strategy.ORDERED, low.isLocked());
        high.unlock();
        ThreadKind.joinAll(failures, List.of(waiter));
        assertEquals(0, done.getCount());
    }

    // ------------------------------------------------------------------ read-write views

    @Test
    void readAndWriteViewsOfOneLockInOneSetTakeTheWriteView() {
        OrderedReadWriteLock rw = new OrderedReadWriteLock("rw");
        OrderedLock other = new OrderedLock();
        try (HeldLocks held = Locks.lockAll(rw.readLock(), other, rw.writeLock())) {
            assertEquals(2, held.locks().size());
            assertSame(rw.writeLock(), held.locks().getFirst());
            assertTrue(rw.writeLock().isHeldByCurrentThread());
            assertFalse(rw.readLock().isHeldByCurrentThread());
        }
        assertFalse(rw.isWriteLocked());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void readViewsAreSharedBetweenSets(ThreadKind kind) throws Exception {
        OrderedReadWriteLock rw = new OrderedReadWriteLock("rw");
        OrderedLock mine = new OrderedLock();
        try (HeldLocks _ = Locks.lockAll(rw.readLock(), mine)) {
            Queue<Throwable> failures = ThreadKind.failures();
            AtomicBoolean shared = new AtomicBoolean();
            ThreadKind.joinAll(failures, List.of(kind.start(failures, () -> {
                Optional<HeldLocks> other = Locks.tryLockAll(Duration.ZERO, rw.readLock(), new OrderedLock());
                shared.set(other.isPresent());
                other.ifPresent(HeldLocks::close);
                assertTrue(Locks.tryLockAll(Duration.ZERO, rw.writeLock()).isEmpty(), "the writer is excluded");
            })));
            assertTrue(shared.get());
        }
    }

    @Test
    void upgradingInsideASetIsRefusedAndLeavesNothingHeld() {
        OrderedReadWriteLock rw = new OrderedReadWriteLock("rw");
        OrderedLock other = new OrderedLock("other");
        rw.readLock().lock();
        try {
            IllegalMonitorStateException e = assertThrows(IllegalMonitorStateException.class,
                    () -> Locks.lockAll(other, rw.writeLock()));
            assertTrue(e.getMessage().contains("holds the read lock of rw#" + rw.rank()), e.getMessage());
            assertFalse(other.isLocked());
        } finally {
            rw.readLock().unlock();
        }
    }
}
