package dev.fearless.lock;

import static dev.fearless.lock.OrderedLockTest.awaitQueued;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.telemetry.Telemetry;
import dev.fearless.testing.RecordingListener;
import dev.fearless.testing.ThreadKind;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** OrderedReadWriteLock: a ReentrantReadWriteLock whose views are ranked locks. */
@Timeout(30)
class OrderedReadWriteLockTest {

    @Test
    void bothViewsShareOneIdentity() {
        OrderedReadWriteLock rw = new OrderedReadWriteLock("catalog", "Catalog");
        assertEquals(rw.rank(), rw.readLock().rank());
        assertEquals(rw.rank(), rw.writeLock().rank());
        assertEquals("catalog", rw.readLock().name());
        assertEquals("Catalog", rw.writeLock().lockClass());
        assertEquals("catalog", rw.name());
        assertEquals("Catalog", rw.lockClass());
        assertEquals("OrderedReadWriteLock[catalog#" + rw.rank() + " (Catalog), unlocked]", rw.toString());
        rw.readLock().lock();
        assertTrue(rw.toString().contains("read holds 1"), rw.toString());
        assertTrue(rw.readLock().toString().contains("read holds 1"), rw.readLock().toString());
        rw.readLock().unlock();
        rw.writeLock().lock();
        assertTrue(rw.toString().contains("write-locked by"), rw.toString());
        assertTrue(rw.writeLock().toString().contains("locked by"), rw.writeLock().toString());
        rw.writeLock().unlock();
        assertEquals(dev.fearless.telemetry.Telemetry.DEFAULT_NAME, new OrderedReadWriteLock().name());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void readersShareAndTheWriterExcludes(ThreadKind kind) throws Exception {
        OrderedReadWriteLock rw = new OrderedReadWriteLock("rw");
        rw.readLock().lock();
        rw.readLock().lock();
        assertEquals(2, rw.readLock().getHoldCount());
        Queue<Throwable> failures = ThreadKind.failures();
        AtomicBoolean otherReader = new AtomicBoolean();
        AtomicBoolean writerRefused = new AtomicBoolean();
        ThreadKind.joinAll(failures, List.of(kind.start(failures, () -> {
            otherReader.set(rw.readLock().tryLock());
            assertEquals(3, rw.getReadLockCount(), "two holds there, one here");
            rw.readLock().unlock();
            writerRefused.set(!rw.writeLock().tryLock(1, TimeUnit.MILLISECONDS));
        })));
        assertTrue(otherReader.get());
        assertTrue(writerRefused.get());
        rw.readLock().unlock();
        rw.readLock().unlock();

        rw.writeLock().lock();
        assertTrue(rw.isWriteLocked());
        assertEquals(1, rw.writeLock().getHoldCount());
        AtomicBoolean readerRefused = new AtomicBoolean();
        ThreadKind.joinAll(failures, List.of(kind.start(failures, () -> readerRefused.set(!rw.readLock().tryLock()))));
        assertTrue(readerRefused.get());
        rw.writeLock().unlock();
        assertFalse(rw.isWriteLocked());
    }

    @Test
    void upgradingIsRefusedInsteadOfHanging() throws Exception {
        OrderedReadWriteLock rw = new OrderedReadWriteLock("rw");
        rw.readLock().lock();
        try {
            assertFalse(rw.writeLock().tryLock(), "as in the JDK: an untimed try just fails");
            IllegalMonitorStateException e = assertThrows(IllegalMonitorStateException.class, rw.writeLock()::lock);
            assertTrue(e.getMessage().contains("holds the read lock of rw#" + rw.rank()), e.getMessage());
            assertTrue(e.getMessage().contains(Thread.currentThread().getName()), e.getMessage());
            assertThrows(IllegalMonitorStateException.class, rw.writeLock()::lockInterruptibly);
            assertThrows(IllegalMonitorStateException.class, () -> rw.writeLock().tryLock(1, TimeUnit.SECONDS));
            assertFalse(rw.isWriteLocked());
        } finally {
            rw.readLock().unlock();
        }
    }

    @Test
    void downgradingWorks() {
        OrderedReadWriteLock rw = new OrderedReadWriteLock();
        rw.writeLock().lock();
        rw.readLock().lock();
        rw.writeLock().unlock();
        assertTrue(rw.readLock().isHeldByCurrentThread());
        assertFalse(rw.isWriteLocked());
        rw.readLock().unlock();
        assertEquals(0, rw.getReadLockCount());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void theWriteLockHasConditionsAndTheReadLockHasNone(ThreadKind kind) throws Exception {
        OrderedReadWriteLock rw = new OrderedReadWriteLock("rw");
        assertThrows(UnsupportedOperationException.class, rw.readLock()::newCondition);
        Condition changed = rw.writeLock().newCondition();
        AtomicBoolean flag = new AtomicBoolean();
        Queue<Throwable> failures = ThreadKind.failures();
        CountDownLatch waiting = new CountDownLatch(1);
        Thread waiter = kind.start(failures, () -> {
            rw.writeLock().lock();
            try {
                waiting.countDown();
                while (!flag.get()) {
                    changed.await();
                }
            } finally {
                rw.writeLock().unlock();
            }
        });
        waiting.await();
        rw.writeLock().lock();
        try {
            flag.set(true);
            changed.signal();
        } finally {
            rw.writeLock().unlock();
        }
        ThreadKind.joinAll(failures, List.of(waiter));
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aWaitingWriterCanBeInterrupted(ThreadKind kind) throws Exception {
        OrderedReadWriteLock rw = new OrderedReadWriteLock("rw");
        rw.readLock().lock();
        Queue<Throwable> failures = ThreadKind.failures();
        Thread writer = kind.start(failures,
                () -> assertThrows(InterruptedException.class, rw.writeLock()::lockInterruptibly));
        awaitQueued(rw.writeLock(), writer);
        writer.interrupt();
        ThreadKind.joinAll(failures, List.of(writer));
        rw.readLock().unlock();
        assertFalse(rw.isWriteLocked());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void everyReaderReportsItsOwnHold(ThreadKind kind) throws Exception {
        OrderedReadWriteLock rw = new OrderedReadWriteLock("shared");
        RecordingListener listener = new RecordingListener();
        Queue<Throwable> failures = ThreadKind.failures();
        try (Telemetry.Registration _ = listener.register()) {
            rw.readLock().lock();
            rw.readLock().lock();
            ThreadKind.joinAll(failures, List.of(kind.start(failures, () -> {
                rw.readLock().lock();
                rw.readLock().unlock();
            })));
            rw.readLock().unlock();
            rw.readLock().unlock();
            rw.writeLock().lock();
            rw.writeLock().unlock();
        }
        assertEquals(List.of("acquired shared", "acquired shared", "released shared", "released shared",
                "acquired shared", "released shared"), listener.events);
    }
}
