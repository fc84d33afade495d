package dev.fearless.handle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.telemetry.Telemetry;
import dev.fearless.telemetry.TelemetryListener;
import dev.fearless.testing.ThreadKind;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Issue 13, item 16: a guard waits until the value satisfies a condition (Rust's Condvar). */
@Timeout(60)
class LockGuardAwaitTest {

    private static boolean unlocked(Object handle) {
        return handle.toString().contains("unlocked");
    }

    /** Waits until {@code thread} is parked: in a wait on a condition or a lock. */
    private static void awaitParked(Thread thread) {
        Awaitility.await().until(() -> thread.getState() == Thread.State.WAITING
                || thread.getState() == Thread.State.TIMED_WAITING);
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aConsumerWaitsForTheValueThatProducersMake(ThreadKind kind) throws InterruptedException {
        Shared<Deque<String>> queue = Shared.of("jobs", new ArrayDeque<>());
        Queue<Throwable> failures = ThreadKind.failures();
        List<String> taken = new CopyOnWriteArrayList<>();
        Thread consumer = kind.start(failures, () -> {
            for (int i = 0; i < 3; i++) {
                try (LockGuard<Deque<String>> jobs = queue.lock()) {
                    jobs.await(q -> !q.isEmpty());               // releases the lock while it waits
                    taken.add(jobs.get().poll());
                }
            }
        });
        awaitParked(consumer);
        List<Thread> producers = new ArrayList<>();
        for (String job : List.of("a", "b", "c")) {
            producers.add(kind.start(failures, () -> queue.mutate(q -> q.add(job))));
        }
        producers.add(consumer);
        ThreadKind.joinAll(failures, producers);
        assertEquals(3, taken.size());
        assertTrue(taken.containsAll(List.of("a", "b", "c")), taken.toString());
        assertTrue(unlocked(queue));
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void everyKindOfWriteWakesTheWaiter(ThreadKind kind) throws InterruptedException {
        Shared<Integer> counter = Shared.of("counter", 0);
        Shared<Integer> other = Shared.of("other", 0);
        SharedRw<Integer> version = SharedRw.of("version", 0);
        Queue<Throwable> failures = ThreadKind.failures();
        List<Integer> seen = new CopyOnWriteArrayList<>();
        Thread waiter = kind.start(failures, () -> {
            for (int target = 1; target <= 5; target++) {
                int wanted = target;
                try (LockGuard<Integer> guard = counter.lock()) {
                    guard.await(n -> n >= wanted);
                    seen.add(guard.get());
                }
            }
            try (LockGuard<Integer> guard = version.write()) {
                guard.await(v -> v == 1);
                seen.add(-guard.get());
            }
        });
        List<Runnable> writes = List.of(
                () -> counter.update(n -> n + 1),
                () -> counter.mutate(n -> {}) /* refused: Integer */,
                () -> {
                    try (LockGuard<Integer> guard = counter.lock()) {
                        guard.set(guard.get() + 1);
                    }
                },
                () -> Shared.update(counter, other, (a, b) -> {
                    a.set(a.get() + 1);
                    return null;
                }),
                () -> Shared.updateAll(List.of(other, counter), values -> values.set(1, values.get(1) + 1)),
                () -> {
                    try (LockGuard<Integer> guard = counter.lock()) {
                        guard.set(guard.get() + 1);
                    }
                },
                () -> version.update(v -> v + 1));
        int expected = 0;
        for (Runnable write : writes) {
            awaitParked(waiter);
            try {
                write.run();
                expected++;
            } catch (UnsupportedOperationException refusedAsDesigned) {
                // mutate on an Integer: no write, no wake-up needed
            }
            int done = expected;
            Awaitility.await().until(() -> seen.size() >= done || !waiter.isAlive());
        }
        ThreadKind.joinAll(failures, List.of(waiter));
        assertEquals(List.of(1, 2, 3, 4, 5, -1), seen);
        assertTrue(unlocked(counter) && unlocked(version));
    }

    @Test
    void aConditionThatHoldsReturnsAtOnceAndATimedWaitGivesUpHoldingTheLock() throws InterruptedException {
        Shared<Integer> counter = Shared.of("counter", 3);
        try (LockGuard<Integer> guard = counter.lock()) {
            guard.await(n -> n == 3);
            assertTrue(guard.await(n -> n == 3, Duration.ZERO));
            assertFalse(guard.await(n -> n == 4, Duration.ZERO));      // zero: test once, do not wait
            assertFalse(guard.await(n -> n == 4, Duration.ofMillis(20)));
            assertFalse(unlocked(counter));                            // held again after the wait
            guard.set(4);
            assertTrue(guard.await(n -> n == 4, Duration.ofSeconds(Long.MAX_VALUE))); // saturates
            IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                    () -> guard.await(n -> true, Duration.ofSeconds(-1)));
            assertEquals("timeout must not be negative: PT-1S", negative.getMessage());
            assertThrows(NullPointerException.class, () -> guard.await(n -> true, null));
            assertThrows(NullPointerException.class, () -> guard.await(null));
        }
        assertTrue(unlocked(counter));
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void anInterruptedWaiterThrowsWithTheLockHeldAndTheGuardOpen(ThreadKind kind) throws InterruptedException {
        Shared<Integer> counter = Shared.of("counter", 0);
        AtomicReference<Object> outcome = new AtomicReference<>();
        Queue<Throwable> failures = ThreadKind.failures();
        Thread waiter = kind.start(failures, () -> {
            try (LockGuard<Integer> guard = counter.lock()) {
                try {
                    guard.await(n -> n > 0);
                    outcome.set("woke");
                } catch (InterruptedException e) {
                    guard.set(-1);                               // the guard is still open: lock held
                    outcome.set(e);
                }
            }
        });
        awaitParked(waiter);
        waiter.interrupt();
        ThreadKind.joinAll(failures, List.of(waiter));
        assertInstanceOf(InterruptedException.class, outcome.get());
        assertEquals(-1, (int) counter.read(n -> n));
        assertTrue(unlocked(counter));
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aWriterThatPoisonsTheValueWakesTheWaiterWithThePoison(ThreadKind kind) throws InterruptedException {
        Shared<List<Integer>> ledger = Shared.of("ledger", new ArrayList<>());
        AtomicReference<Object> outcome = new AtomicReference<>();
        Queue<Throwable> failures = ThreadKind.failures();
        Thread waiter = kind.start(failures, () -> {
            try (LockGuard<List<Integer>> guard = ledger.lock()) {
                guard.await(list -> !list.isEmpty());
                outcome.set("woke");
            } catch (PoisonedException e) {
                outcome.set(e);
            }
        });
        awaitParked(waiter);
        IllegalStateException bug = new IllegalStateException("half way");
        assertThrows(IllegalStateException.class, () -> ledger.mutate(list -> {
            list.add(1);
            throw bug;
        }));
        ThreadKind.joinAll(failures, List.of(waiter));
        PoisonedException poisoned = assertInstanceOf(PoisonedException.class, outcome.get());
        assertSame(bug, poisoned.getCause());
        assertTrue(unlocked(ledger));
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aRecoveryGuardOnAPoisonedHandleGoesOnWaiting(ThreadKind kind) throws InterruptedException {
        Shared<Integer> counter = Shared.of("counter", 0);
        assertThrows(IllegalStateException.class, () -> counter.update(n -> {
            throw new IllegalStateException("bug");
        }));
        PoisonedException poisoned = assertThrows(PoisonedException.class, counter::lock);
        AtomicReference<Object> outcome = new AtomicReference<>();
        Queue<Throwable> failures = ThreadKind.failures();
        Thread repairer = kind.start(failures, () -> {
            try (LockGuard<Integer> recovery = poisoned.into()) {
                recovery.await(n -> n == 2);                 // woken by writes through another into()
                outcome.set(recovery.get());
            }
        });
        for (int i = 0; i < 2; i++) {
            awaitParked(repairer);
            try (WriteGuard<Integer> guard = poisoned.into()) {
                guard.set(guard.get() + 1);
            }
        }
        ThreadKind.joinAll(failures, List.of(repairer));
        assertEquals(2, outcome.get());
        assertTrue(counter.isPoisoned());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aGuardWaitsOnlyOnItsOwnThreadAndWhileOpen(ThreadKind kind) throws InterruptedException {
        Shared<Integer> counter = Shared.of("counter", 0);
        LockGuard<Integer> guard = counter.lock();
        try (guard) {
            assertInstanceOf(WrongThreadException.class, kind.runAndCatch(() -> guard.await(n -> true)));
        }
        GuardClosedException closed = assertThrows(GuardClosedException.class, () -> guard.await(n -> true));
        assertTrue(closed.getMessage().contains("await()"), closed.getMessage());
    }

    @Test
    void aWaitReportsTheReleaseAndTheReacquisitionOfTheLock() throws InterruptedException {
        List<String> events = new CopyOnWriteArrayList<>();
        TelemetryListener listener = new TelemetryListener() {
            @Override
            public void lockAcquired(String lock, long waitNanos, boolean contended) {
                events.add("acquired " + lock);
            }

            @Override
            public void lockReleased(String lock, long heldNanos) {
                events.add("released " + lock);
            }
        };
        Shared<Integer> counter = Shared.of("telemetry-counter", 0);
        try (Telemetry.Registration _ = Telemetry.register(listener);
                LockGuard<Integer> guard = counter.lock()) {
            assertFalse(guard.await(n -> n > 0, Duration.ofMillis(1)));
        }
        assertEquals(List.of("acquired telemetry-counter", "released telemetry-counter",
                "acquired telemetry-counter", "released telemetry-counter"), events);
    }
}
