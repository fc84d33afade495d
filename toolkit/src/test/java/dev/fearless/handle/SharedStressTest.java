package dev.fearless.handle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.lock.LockOrderChecker;
import dev.fearless.testing.ThreadKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Thousands of virtual threads update many Shared values, alone, in pairs and in triples, with
 * the lock-order checker in THROW mode: no violation, no deadlock, no lost update; and hundreds
 * of threads pass a baton by waiting on a guard: no lost wake-up.
 */
@Timeout(120)
class SharedStressTest {

    private static final int HANDLES = 32;
    private static final int THREADS = 2_000;
    private static final int OPERATIONS = 25;

    @BeforeEach
    void strictChecker() {
        LockOrderChecker.setMode(LockOrderChecker.Mode.THROW);
    }

    @AfterEach
    void restoreChecker() {
        LockOrderChecker.setMode(LockOrderChecker.Mode.OFF);
        LockOrderChecker.reset();
    }

    /**
     * A baton passed through hundreds of threads by waiting: thread {@code i} waits until the value
     * is {@code i} and then sets {@code i + 1}, so every thread must be woken by its predecessor's
     * write; a lost wake-up hangs. Half the threads use the timed form with a long timeout.
     */
    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aBatonPassedByWaitingReachesEveryThreadInOrder(ThreadKind kind) throws InterruptedException {
        int threads = kind == ThreadKind.VIRTUAL ? 400 : 100;
        Shared<Integer> baton = Shared.builder().name("baton").lockClass("Baton").build(0);
        int[] order = new int[threads];
        Queue<Throwable> failures = ThreadKind.failures();
        List<Thread> started = new ArrayList<>(threads);
        for (int i = threads - 1; i >= 0; i--) {       // started in reverse: most must wait
            int mine = i;
            started.add(kind.start(failures, () -> {
                try (LockGuard<Integer> guard = baton.lock()) {
                    if (mine % 2 == 0) {
                        guard.await(n -> n == mine);
                    } else if (!guard.await(n -> n == mine, Duration.ofMinutes(5))) {
                        throw new AssertionError("thread " + mine + " gave up");
                    }
                    order[mine] = guard.get();
                    guard.set(mine + 1);
                }
            }));
        }
        ThreadKind.joinAll(failures, started);
        assertEquals(threads, (int) baton.read(n -> n));
        for (int i = 0; i < threads; i++) {
            assertEquals(i, order[i]);
        }
    }

    @Test
    void thousandsOfVirtualThreadsUpdateSinglesPairsAndTriplesExactly() throws InterruptedException {
        List<Shared<int[]>> handles = new ArrayList<>();
        for (int i = 0; i < HANDLES; i++) {
            // One lock class for all: the checker then also forbids nesting any two of them outside a set.
            handles.add(Shared.builder().name("box-" + i).lockClass("Box").build(new int[1]));
        }
        long[] expected = new long[HANDLES];
        Queue<Throwable> failures = ThreadKind.failures();
        List<Thread> threads = new ArrayList<>(THREADS);
        for (int t = 0; t < THREADS; t++) {
            int[][] plan = plan(new SplittableRandom(t));
            for (int[] step : plan) {
                for (int i = 1; i < step.length; i++) {
                    expected[step[i]]++;
                }
            }
            threads.add(ThreadKind.VIRTUAL.start(failures, () -> run(handles, plan)));
        }
        ThreadKind.joinAll(failures, threads);

        long[] actual = new long[HANDLES];
        for (int i = 0; i < HANDLES; i++) {
            Shared<int[]> handle = handles.get(i);
            actual[i] = handle.read(box -> box[0]);
            assertFalse(handle.isPoisoned());
            assertTrue(handle.toString().contains("unlocked"), handle::toString);
        }
        assertArrayEquals(expected, actual);
    }

    /** Each step is {kind, handle indexes...}: kind 0 closure, 1 guard, 2 pair, 3 triple. */
    private static int[][] plan(SplittableRandom random) {
        int[][] plan = new int[OPERATIONS][];
        for (int s = 0; s < OPERATIONS; s++) {
            int roll = random.nextInt(10);
            int a = random.nextInt(HANDLES);
            int b = (a + 1 + random.nextInt(HANDLES - 1)) % HANDLES;
            int c = (b + 1 + random.nextInt(HANDLES - 1)) % HANDLES;
            if (roll < 4) {
                plan[s] = new int[] {0, a};
            } else if (roll < 6) {
                plan[s] = new int[] {1, a};
            } else if (roll < 9 || c == a) {
                plan[s] = new int[] {2, a, b};
            } else {
                plan[s] = new int[] {3, a, b, c};
            }
        }
        return plan;
    }

    private static void run(List<Shared<int[]>> handles, int[][] plan) {
        for (int[] step : plan) {
            switch (step[0]) {
                case 0 -> handles.get(step[1]).mutate(box -> box[0]++);
                case 1 -> {
                    try (WriteGuard<int[]> guard = handles.get(step[1]).lock()) {
                        guard.get()[0]++;
                    }
                }
                case 2 -> Shared.mutate(handles.get(step[1]), handles.get(step[2]), (x, y) -> {
                    x[0]++;
                    y[0]++;
                });
                default -> Shared.mutateAll(List.of(handles.get(step[1]), handles.get(step[2]), handles.get(step[3])),
                        values -> values.forEach(box -> box[0]++));
            }
        }
    }
}
