package dev.fearless.handle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.testing.ThreadKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Behaviour 3: SharedRw (RwLock): many readers or one writer, guards, poisoning by writers. */
@Timeout(60)
class SharedRwTest {

    private static boolean free(SharedRw<?> shared) {
        return shared.toString().contains("unlocked");
    }

    @Test
    void closuresReadUnderTheReadLockAndWriteUnderTheWriteLock() {
        SharedRw<Map<String, Integer>> prices = SharedRw.of("prices", new HashMap<>());
        prices.mutate(map -> map.put("ACME", 42));
        assertEquals(42, (int) prices.read(map -> map.get("ACME")));
        SharedRw<Integer> version = SharedRw.of(1);
        assertEquals(2, (int) version.update(v -> v + 1));
        try (WriteGuard<Integer> guard = version.write()) {
            guard.set(guard.get() * 10);
        }
        try (Guard<Integer> guard = version.read()) {
            assertEquals(20, (int) guard.get());
        }
        assertTrue(free(version));
        assertEquals("prices", prices.name());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void manyReadersHoldTheValueAtOnceAndShutOutTheWriter(ThreadKind kind) throws Exception {
        SharedRw<Integer> value = SharedRw.of(7);
        int readers = 3;
        CountDownLatch allIn = new CountDownLatch(readers);
        CountDownLatch release = new CountDownLatch(1);
        Queue<Throwable> failures = ThreadKind.failures();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < readers; i++) {
            threads.add(kind.start(failures, () -> {
                try (Guard<Integer> guard = value.read()) {
                    assertEquals(7, (int) guard.get());
                    allIn.countDown();
                    ThreadKind.awaitUninterruptibly(release); // all readers are inside together
                }
            }));
        }
        allIn.await();
        assertEquals(Optional.empty(), value.tryWrite(Duration.ofMillis(10)));
        assertTrue(value.tryRead(Duration.ZERO).map(guard -> {
            try (guard) {
                return guard.get() == 7;
            }
        }).orElse(false));
        release.countDown();
        ThreadKind.joinAll(failures, threads);
        assertTrue(free(value));
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aWriterShutsOutReadersAndAnInterruptedWaiterGivesUp(ThreadKind kind) throws Exception {
        SharedRw<Integer> value = SharedRw.of(1);
        AtomicReference<Object> outcome = new AtomicReference<>();
        try (WriteGuard<Integer> guard = value.write()) {
            Throwable timedOut = kind.runAndCatch(() -> outcome.set(value.tryRead(Duration.ofMillis(10))));
            assertEquals(null, timedOut);
            assertEquals(Optional.empty(), outcome.get());
            Queue<Throwable> failures = ThreadKind.failures();
            Thread waiter = kind.start(failures, () -> {
                try (WriteGuard<Integer> mine = value.writeInterruptibly()) {
                    mine.set(-1);
                } catch (InterruptedException e) {
                    outcome.set(e);
                }
            });
            Awaitility.await().until(() -> waiter.getState() == Thread.State.WAITING);
            waiter.interrupt();
            ThreadKind.joinAll(failures, List.of(waiter));
            guard.set(2);
        }
        assertInstanceOf(InterruptedException.class, outcome.get());
        assertEquals(2, (int) value.read(v -> v));
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, value::readInterruptibly);
        assertTrue(free(value));
    }

    @Test
    void readInReadIsAllowedButReadInWriteAndUpgradingAreRefused() {
        SharedRw<Integer> value = SharedRw.of("v", 1);
        try (Guard<Integer> outer = value.read(); Guard<Integer> inner = value.read()) {
            assertEquals(outer.get(), inner.get());
            BorrowException upgrade = assertThrows(BorrowException.class, value::write);
            assertTrue(upgrade.getMessage().contains("cannot be upgraded"), upgrade.getMessage());
            assertThrows(BorrowException.class, () -> value.update(v -> v));
        }
        try (WriteGuard<Integer> _ = value.write()) {
            assertThrows(BorrowException.class, value::read);
            assertThrows(BorrowException.class, value::write);
            assertThrows(BorrowException.class, () -> value.tryRead(Duration.ZERO));
        }
        assertTrue(free(value));
        assertFalse(value.isPoisoned());
    }

    @Test
    void writersPoisonAndReadersDoNot() {
        SharedRw<List<Integer>> value = SharedRw.of("list", new ArrayList<>(List.of(1)));
        assertThrows(IndexOutOfBoundsException.class, () -> value.read(list -> list.get(5)));
        assertFalse(value.isPoisoned());

        IllegalStateException failure = new IllegalStateException("writer failed");
        assertSame(failure, assertThrows(IllegalStateException.class, () -> value.mutate(list -> {
            list.add(2);
            throw failure;
        })));
        assertTrue(value.isPoisoned());
        PoisonedException onRead = assertThrows(PoisonedException.class, value::read);
        assertSame(failure, onRead.getCause());
        assertThrows(PoisonedException.class, () -> value.read(List::size));
        assertThrows(PoisonedException.class, () -> value.tryWrite(Duration.ZERO));
        assertTrue(free(value));
        try (WriteGuard<List<Integer>> guard = onRead.into()) {
            assertEquals(List.of(1, 2), guard.get());
            guard.set(new ArrayList<>(List.of(1)));
        }
        value.clearPoison();
        assertEquals(1, (int) value.read(List::size));

        SharedRw<Integer> lenient = SharedRw.builder().name("lenient").lockClass("Config").poisoning(false).build(1);
        assertThrows(IllegalStateException.class, () -> lenient.update(v -> {
            throw new IllegalStateException();
        }));
        assertFalse(lenient.isPoisoned());
        assertEquals(1, (int) lenient.read(v -> v));
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void guardsAreConfinedAndDeadAfterClose(ThreadKind kind) throws InterruptedException {
        SharedRw<Integer> value = SharedRw.of(3);
        Guard<Integer> read = value.read();
        assertInstanceOf(WrongThreadException.class, kind.runAndCatch(read::get));
        assertInstanceOf(WrongThreadException.class, kind.runAndCatch(read::close));
        read.close();
        assertThrows(GuardClosedException.class, read::get);
        WriteGuard<Integer> write = value.write();
        write.close();
        assertThrows(GuardClosedException.class, () -> write.set(4));
        assertTrue(free(value));
    }
}
