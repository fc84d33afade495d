package dev.fearless.handle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lincheck explores the interleavings of blocking scenarios on plain platform threads (it cannot
 * follow virtual threads) and fails on a deadlock, a hang or a failed assertion. Scenario objects
 * are published through static fields: objects that reach the threads only through lambda
 * captures are treated as thread-local, which would hide every interleaving.
 */
@Timeout(120)
class SharedLincheckTest {

    /*
     * Few invocations: the first runConcurrentTest of a JVM pays for instrumenting the lock
     * package and the JDK locks underneath. The broken pair update (each lock taken in the order
     * given) hangs within the first invocations.
     */
    private static final int INVOCATIONS = 30;

    private static volatile Shared<int[]> first;
    private static volatile Shared<int[]> second;
    private static volatile Shared<Integer> counter;
    private static volatile SharedRw<int[]> pair;
    private static volatile Object outcome;

    private static void joinAll(Thread... threads) {
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static Thread start(Runnable body) {
        Thread thread = new Thread(body);
        thread.start();
        return thread;
    }

    /** Shared.mutate(a, b) against Shared.mutate(b, a): never deadlocks, never loses an update. */
    @Test
    void pairUpdatesInOppositeOrdersNeverDeadlock() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            first = Shared.of(new int[1]);
            second = Shared.of(new int[1]);
            joinAll(
                    start(() -> Shared.mutate(first, second, (a, b) -> {
                        a[0]++;
                        b[0]++;
                    })),
                    start(() -> Shared.mutate(second, first, (b, a) -> {
                        b[0]++;
                        a[0]++;
                    })));
            assertEquals(2, (int) first.read(a -> a[0]));
            assertEquals(2, (int) second.read(b -> b[0]));
        });
    }

    /**
     * One thread's update fails and poisons the value while another updates it: the other either
     * ran first (and its increment counts) or sees the poison with the original failure as cause.
     */
    @Test
    void poisoningIsSeenByEveryLaterAccess() {
        RuntimeException failure = new RuntimeException("writer failed");
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            first = Shared.of(new int[1]);
            outcome = "none";
            joinAll(
                    start(() -> {
                        try {
                            first.mutate(a -> {
                                a[0] += 10;
                                throw failure;
                            });
                        } catch (RuntimeException expected) {
                            // rethrown unchanged
                        }
                    }),
                    start(() -> {
                        try {
                            first.mutate(a -> a[0]++);
                            outcome = "updated";
                        } catch (PoisonedException e) {
                            outcome = e;
                        }
                    }));
            assertTrue(first.isPoisoned());
            Object seen = outcome;
            try (WriteGuard<int[]> guard = assertPoisoned().into()) {
                int expected = "updated".equals(seen) ? 11 : 10;
                assertEquals(expected, guard.get()[0]);
            }
            if (seen instanceof PoisonedException poisoned) {
                assertSame(failure, poisoned.getCause());
            } else {
                assertEquals("updated", seen);
            }
        });
    }

    /**
     * A reader meets a poisoned handle while another thread clears the poison: it either reads
     * (the clear came first) or throws a PoisonedException whose cause is the real failure, never
     * one made up because the flag was read twice (issue 13, item 8).
     */
    @Test
    void aRacingClearPoisonNeverInventsACause() {
        RuntimeException failure = new RuntimeException("writer failed");
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            first = Shared.of(new int[1]);
            pair = SharedRw.of(new int[2]);
            outcome = "none";
            try {
                first.mutate(a -> {
                    throw failure;
                });
            } catch (RuntimeException expected) {
                // poisons first
            }
            try {
                pair.mutate(p -> {
                    throw failure;
                });
            } catch (RuntimeException expected) {
                // poisons pair
            }
            Object[] seen = new Object[2];
            joinAll(
                    start(() -> {
                        seen[0] = readOrCause(() -> first.read(a -> a[0]));
                        seen[1] = readOrCause(() -> pair.read(p -> p[0]));
                    }),
                    start(() -> {
                        first.clearPoison();
                        pair.clearPoison();
                    }));
            for (Object one : seen) {
                assertTrue("read".equals(one) || one == failure, String.valueOf(one));
            }
        });
    }

    /**
     * A guard waits for the value 2 while two threads increment it: whatever the interleaving (a
     * write before the wait, between the test and the sleep, during it), the waiter wakes and
     * sees 2; a lost wake-up hangs and fails.
     */
    @Test
    void aWaiterIsNeverLeftAsleepByAConcurrentWrite() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            counter = Shared.of(0);
            outcome = "none";
            joinAll(
                    start(() -> {
                        try (LockGuard<Integer> guard = counter.lock()) {
                            guard.await(n -> n == 2);
                            outcome = guard.get();
                        } catch (InterruptedException e) {
                            throw new AssertionError(e);
                        }
                    }),
                    start(() -> counter.update(n -> n + 1)),
                    start(() -> counter.update(n -> n + 1)));
            assertEquals(2, outcome);
        });
    }

    private static Object readOrCause(Runnable read) {
        try {
            read.run();
            return "read";
        } catch (PoisonedException e) {
            return e.getCause();
        }
    }

    private static PoisonedException assertPoisoned() {
        try {
            first.read(a -> a[0]);
        } catch (PoisonedException e) {
            return e;
        }
        throw new AssertionError("not poisoned");
    }

    /** A writer changes two fields of a SharedRw value; a concurrent reader never sees them differ. */
    @Test
    void readersNeverSeeAHalfDoneWrite() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            pair = SharedRw.of(new int[2]);
            outcome = Boolean.TRUE;
            Runnable reader = () -> {
                if (!pair.read(p -> p[0] == p[1])) {
                    outcome = Boolean.FALSE;
                }
            };
            joinAll(start(() -> pair.mutate(p -> {
                p[0]++;
                p[1]++;
            })), start(reader));
            assertEquals(Boolean.TRUE, outcome);
            assertEquals(1, (int) pair.read(p -> p[1]));
        });
    }
}
