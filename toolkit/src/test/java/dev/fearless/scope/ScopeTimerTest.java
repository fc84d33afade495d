package dev.fearless.scope;

import static dev.fearless.testing.TaskAssertions.assertState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.scope.Task.State;
import dev.fearless.testing.Blocker;
import dev.fearless.testing.ThreadKind;
import dev.fearless.testing.TrackingFactory;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Timers in a scope: each is one sleeping thread of the scope, periodic ones are daemons that join
 * stops; no assertion on timing, only on counts observed through latches.
 */
@Timeout(30)
class ScopeTimerTest {

    private static final Duration TICK = Duration.ofMillis(1);

    /** Counts runs and opens a latch after the n-th. */
    private static final class Ticks implements Runnable {
        final AtomicInteger count = new AtomicInteger();
        final CountDownLatch reached;

        Ticks(int n) {
            reached = new CountDownLatch(n);
        }

        @Override
        public void run() {
            count.incrementAndGet();
            reached.countDown();
        }
    }

    private interface Scheduler {
        Task<?> start(Scope<?, ?> scope, Runnable task);
    }

    private static void tickUntilJoinThenStop(ThreadKind kind, Scheduler scheduler) throws Exception {
        TrackingFactory threads = kind.tracking();
        Ticks ticks = new Ticks(3);
        Task<?> timer;
        try (var scope = Scope.builder().threadFactory(threads).open()) {
            timer = scheduler.start(scope, ticks);
            scope.fork(() -> {
                ticks.reached.await();               // the work outlives three ticks
                return null;
            });
            scope.join();                            // returns although the timer never ends by itself
            threads.assertNoneAlive();               // the timer's thread is gone: no tick can follow
            assertState(State.CANCELLED, timer);
        }
        int seen = ticks.count.get();
        assertTrue(seen >= 3, "ticks: " + seen);
        assertEquals(seen, ticks.count.get());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aFixedRateTimerTicksUntilJoinAndThenStops(ThreadKind kind) throws Exception {
        tickUntilJoinThenStop(kind, (scope, task) -> scope.scheduleAtFixedRate(Duration.ZERO, TICK, task));
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aFixedDelayTimerTicksUntilJoinAndThenStops(ThreadKind kind) throws Exception {
        tickUntilJoinThenStop(kind, (scope, task) -> scope.scheduleWithFixedDelay(TICK, TICK, task));
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aTimerStopsEvenWhenItsRunSwallowsTheInterrupt(ThreadKind kind) throws Exception {
        tickUntilJoinThenStop(kind, (scope, task) -> scope.scheduleAtFixedRate(Duration.ZERO, TICK, () -> {
            task.run();
            Thread.interrupted();                    // a careless run clears the cancellation interrupt
        }));
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aDelayedTaskIsAwaitedByJoin(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        try (var scope = Scope.builder().threadFactory(threads).open()) {
            Task<String> later = scope.schedule(TICK, () -> "later");
            AtomicBoolean ran = new AtomicBoolean();
            Task<Object> runnable = scope.schedule(Duration.ZERO, () -> ran.set(true));
            scope.join();
            assertEquals("later", later.get());
            assertState(State.SUCCEEDED, runnable);
            assertTrue(ran.get());
        }
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void cancellingADelayedTaskWhileItSleepsMeansItNeverRuns(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        AtomicBoolean ran = new AtomicBoolean();
        try (var scope = Scope.builder().threadFactory(threads).open()) {
            Task<Object> never = scope.schedule(Duration.ofDays(365 * 1000), () -> {
                ran.set(true);
                return null;
            });
            never.cancel();
            scope.join();
            assertState(State.CANCELLED, never);
        }
        assertFalse(ran.get());
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aRunThatThrowsEndsTheTimerAndFailsTheScope(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        IllegalStateException failure = new IllegalStateException("renewal refused");
        AtomicInteger runs = new AtomicInteger();
        Blocker work = new Blocker();
        try (var scope = Scope.builder().threadFactory(threads).open()) {
            Task<Object> timer = scope.scheduleAtFixedRate(Duration.ZERO, TICK, () -> {
                if (runs.incrementAndGet() == 3) {
                    throw failure;
                }
            });
            Task<Integer> blocked = scope.fork(work);
            ScopeFailedException e = assertThrows(ScopeFailedException.class, scope::join);
            assertSame(failure, e.getCause());
            assertSame(failure, timer.exception());
            assertState(State.CANCELLED, blocked);
        }
        assertEquals(3, runs.get());
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void cancellingOneTimerLeavesTheOthersAndTheScope(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Ticks first = new Ticks(2);
        Ticks second = new Ticks(2);
        try (var scope = Scope.builder().threadFactory(threads).open()) {
            Task<Object> a = scope.scheduleAtFixedRate(Duration.ZERO, TICK, first);
            Task<Object> b = scope.scheduleWithFixedDelay(Duration.ZERO, TICK, second);
            first.reached.await();
            a.cancel();
            int stoppedAt = first.count.get();
            Task<Integer> work = scope.fork(() -> {
                second.reached.await();
                return 1;
            });
            scope.join();
            assertState(State.CANCELLED, a);
            assertState(State.CANCELLED, b);
            assertEquals(1, work.get());
            assertTrue(first.count.get() <= stoppedAt + 1, "at most the run under way finished");
        }
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void cancellingTheScopeStopsItsTimers(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Ticks ticks = new Ticks(2);
        try (var scope = Scope.builder().threadFactory(threads).open()) {
            Task<Object> timer = scope.scheduleAtFixedRate(Duration.ZERO, TICK, ticks);
            Task<Integer> work = scope.fork(new Blocker());
            ticks.reached.await();
            scope.cancel();
            assertThrows(ScopeCancelledException.class, scope::join);
            assertState(State.CANCELLED, timer);
            assertState(State.CANCELLED, work);
        }
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void theDeadlineStopsTimersAndDelayedTasks(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        try (var scope = Scope.builder().threadFactory(threads).timeout(Duration.ofMillis(20)).open()) {
            Task<Object> timer = scope.scheduleAtFixedRate(Duration.ZERO, TICK, () -> { });
            Task<Object> late = scope.schedule(Duration.ofDays(1), () -> "never");
            assertThrows(ScopeTimeoutException.class, scope::join);
            assertState(State.CANCELLED, timer);
            assertState(State.CANCELLED, late);
        }
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void closeWithoutJoinStopsTimers(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Ticks ticks = new Ticks(1);
        var scope = Scope.builder().threadFactory(threads).open();
        Task<Object> timer = scope.scheduleWithFixedDelay(Duration.ZERO, TICK, ticks);
        ticks.reached.await();
        scope.cancel();
        scope.close();                               // cancelled: close does not complain about the join
        assertState(State.CANCELLED, timer);
        threads.assertNoneAlive();
    }

    @Test
    void badArgumentsAreRejectedBeforeAnythingIsForked() throws Exception {
        try (var scope = Scope.open()) {
            IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                    () -> scope.scheduleAtFixedRate(Duration.ofMillis(-1), TICK, () -> { }));
            assertTrue(negative.getMessage().contains("initialDelay"), negative.getMessage());
            IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                    () -> scope.scheduleAtFixedRate(Duration.ZERO, Duration.ZERO, () -> { }));
            assertTrue(zero.getMessage().contains("period"), zero.getMessage());
            IllegalArgumentException noDelay = assertThrows(IllegalArgumentException.class,
                    () -> scope.scheduleWithFixedDelay(Duration.ZERO, Duration.ofSeconds(-1), () -> { }));
            assertTrue(noDelay.getMessage().contains("delay"), noDelay.getMessage());
            IllegalArgumentException past = assertThrows(IllegalArgumentException.class,
                    () -> scope.schedule(Duration.ofNanos(-1), () -> 1));
            assertTrue(past.getMessage().contains("delay"), past.getMessage());
            NullPointerException nullTask = assertThrows(NullPointerException.class,
                    () -> scope.scheduleAtFixedRate(Duration.ZERO, TICK, null));
            assertTrue(nullTask.getMessage().contains("task"), nullTask.getMessage());
            assertThrows(NullPointerException.class, () -> scope.schedule(null, () -> 1));
            scope.join();
        }
    }

    @Test
    void timersFollowTheForkRules() throws Exception {
        var scope = Scope.open();
        scope.join();
        assertThrows(ScopeClosedException.class, () -> scope.scheduleAtFixedRate(Duration.ZERO, TICK, () -> { }));
        scope.close();
        assertThrows(ScopeClosedException.class, () -> scope.schedule(TICK, () -> 1));
    }
}
