package dev.fearless.scope;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.testing.Blocker;
import dev.fearless.testing.ThreadKind;
import dev.fearless.testing.TrackingFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Issue 13 item 13: {@code Scope.builder().maxConcurrency(n)}, waiting or rejecting. */
@Timeout(60)
class MaxConcurrencyTest {

    /** Counts how many bodies run at once, and the most seen. */
    private static final class Gauge {
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();

        void enter() {
            int now = running.incrementAndGet();
            most.accumulateAndGet(now, Math::max);
        }

        void exit() {
            running.decrementAndGet();
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void atMostNBodiesRun_theOthersWaitAndAreCounted(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Gauge gauge = new Gauge();
        CountDownLatch gate = new CountDownLatch(1);
        try (var scope = Scope.builder().threadFactory(threads).maxConcurrency(2).open()) {
            List<Task<Integer>> tasks = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int n = i;
                tasks.add(scope.fork(() -> {
                    gauge.enter();
                    try {
                        gate.await();
                        return n;
                    } finally {
                        gauge.exit();
                    }
                }));
            }
            assertEquals(5, threads.created(), "the factory is called at fork time, the thread waits for a permit");
            await().until(() -> gauge.running.get() == 2 && scope.waiting() == 3);
            gate.countDown();
            scope.join();
            for (int i = 0; i < 5; i++) {
                assertEquals(i, tasks.get(i).get());
            }
            assertEquals(0, scope.waiting());
            assertEquals(2, Objects.requireNonNull(scope.permits).availablePermits(), "every permit came back");
        }
        assertEquals(2, gauge.most.get());
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aWaitingTaskThatIsCancelledNeverRuns(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Blocker holder = new Blocker();
        AtomicBoolean ran = new AtomicBoolean();
        try (var scope = Scope.builder().threadFactory(threads).maxConcurrency(1).policy(Policy.<Object>awaitAll()).open()) {
            Task<Object> holding = scope.fork(holder);
            holder.awaitStarted();
            Task<Object> waiting = scope.fork(() -> ran.getAndSet(true));
            await().until(() -> scope.waiting() == 1);
            waiting.cancel();
            await().until(() -> scope.waiting() == 0);
            assertSame(Task.State.CANCELLED, waiting.state());
            assertSame(Task.State.RUNNING, holding.state());
            holding.cancel();
            scope.join();
        }
        assertFalse(ran.get());
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void cancellingTheScopeEndsEveryWaitingTask(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Blocker holder = new Blocker();
        AtomicInteger ran = new AtomicInteger();
        try (var scope = Scope.builder().threadFactory(threads).maxConcurrency(1).open()) {
            scope.fork(holder);
            holder.awaitStarted();
            List<Task<Integer>> waiting = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                waiting.add(scope.fork(ran::incrementAndGet));
            }
            await().until(() -> scope.waiting() == 3);
            scope.cancel();
            assertThrows(ScopeCancelledException.class, scope::join);
            waiting.forEach(task -> assertSame(Task.State.CANCELLED, task.state()));
        }
        assertEquals(0, ran.get());
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void rejectRefusesAForkBeyondTheLimit_withoutCallingTheFactory(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        CountDownLatch gate = new CountDownLatch(1);
        try (var scope = Scope.builder().name("crawl").threadFactory(threads)
                .maxConcurrency(1, Scope.WhenFull.REJECT).policy(Policy.<Object>awaitAll()).open()) {
            Task<Object> first = scope.fork(() -> {
                gate.await();
                return "first";
            });
            RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> scope.fork(() -> 2));
            assertTrue(e.getMessage().contains("maxConcurrency(1, WhenFull.REJECT)"), e.getMessage());
            assertTrue(e.getMessage().contains("\"crawl\""), e.getMessage());
            ThreadKind.assertNamesCurrentThread(e);
            assertEquals(1, threads.created(), "the factory was not called for the refused fork");
            gate.countDown();
            assertEquals("first", first.join());
            Task<Object> second = scope.fork(() -> "second");    // its permit is back once join() returned
            List<Task<Object>> tasks = scope.join();
            assertEquals(List.of(first, second), tasks, "the refused fork never reached the policy");
        }
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void daemonsAndTimersAreNotCounted(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Blocker daemon = new Blocker();
        try (var scope = Scope.builder().threadFactory(threads).maxConcurrency(1)
                .policy(Policy.<Integer>firstSuccess()).open()) {
            scope.forkDaemon(daemon);
            daemon.awaitStarted();
            scope.fork(() -> 5);
            assertEquals(5, scope.join());
        }
        assertTrue(daemon.interrupted());
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void tasksThatForkIntoTheLimitedScopeNeverDeadlock(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Gauge gauge = new Gauge();
        AtomicInteger pages = new AtomicInteger();
        try (var scope = Scope.builder().threadFactory(threads).maxConcurrency(2).open()) {
            scope.fork(() -> crawl(scope, 0, gauge, pages));
            scope.join();
        }
        assertEquals(1 + 3 + 9 + 27, pages.get());
        assertTrue(gauge.most.get() <= 2, "most running at once: " + gauge.most.get());
        threads.assertNoneAlive();
    }

    private static @org.jspecify.annotations.Nullable Void crawl(Scope<Object, ?> scope, int depth, Gauge gauge,
            AtomicInteger pages) {
        gauge.enter();
        try {
            pages.incrementAndGet();
            if (depth < 3) {
                for (int i = 0; i < 3; i++) {
                    scope.fork(() -> crawl(scope, depth + 1, gauge, pages));   // never blocks on the limit
                }
            }
            return null;
        } finally {
            gauge.exit();
        }
    }

    @Test
    void theLimitIsValidated() {
        assertEquals("limit must be positive: 0", assertThrows(IllegalArgumentException.class,
                () -> Scope.builder().maxConcurrency(0)).getMessage());
        assertEquals("whenFull", assertThrows(NullPointerException.class,
                () -> Scope.builder().maxConcurrency(1, null)).getMessage());
    }

    /** Many forks, random failures and cancellations, a limit of 3; scaled by -Dstress.scale=N. */
    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void stress_theLimitHoldsUnderFailuresAndCancellations(ThreadKind kind) throws Exception {
        int scale = Integer.getInteger("stress.scale", 1);
        int tasksPerScope = kind == ThreadKind.VIRTUAL ? 2_000 : 300;
        SplittableRandom random = new SplittableRandom(13_013L);
        TrackingFactory threads = kind.tracking();
        Gauge gauge = new Gauge();
        for (int round = 0; round < 5 * scale; round++) {
            try (var scope = Scope.builder().threadFactory(threads).maxConcurrency(3)
                    .policy(Policy.<Integer>awaitAll()).open()) {
                List<Task<Integer>> tasks = new ArrayList<>();
                for (int i = 0; i < tasksPerScope; i++) {
                    int roll = random.nextInt(10);
                    tasks.add(scope.fork(() -> {
                        gauge.enter();
                        try {
                            if (roll == 0) {
                                throw new IllegalStateException("random failure");
                            }
                            Thread.yield();
                            return roll;
                        } finally {
                            gauge.exit();
                        }
                    }));
                    if (roll == 1) {
                        tasks.get(random.nextInt(tasks.size())).cancel();
                    }
                }
                List<Task<Integer>> ended = scope.join();
                assertEquals(tasks.size(), ended.size());
                ended.forEach(task -> assertNotEquals(Task.State.RUNNING, task.state()));
                assertEquals(0, scope.waiting());
                assertEquals(3, Objects.requireNonNull(scope.permits).availablePermits());
            }
        }
        assertTrue(gauge.most.get() <= 3, "most running at once: " + gauge.most.get());
        threads.assertNoneAlive();
    }
}
