package dev.fearless.scope;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.testing.Blocker;
import dev.fearless.testing.ThreadKind;
import dev.fearless.testing.TrackingFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Issue 13 item 14: waiting for one task ({@link Task#join()}) and {@link Scope#raceResult}. */
@Timeout(30)
class TaskJoinTest {

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void joinWaitsForThatTaskOnly(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        CountDownLatch release = new CountDownLatch(1);
        try (var scope = Scope.builder().threadFactory(threads).open()) {
            Task<Object> slow = scope.fork(() -> {
                release.await();
                return "slow";
            });
            Task<Object> quick = scope.fork(() -> "quick");
            assertEquals("quick", quick.join());
            assertSame(Task.State.RUNNING, slow.state(), "join() of one task does not wait for the others");
            release.countDown();
            assertEquals("slow", slow.join());
            scope.join();
        }
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aSiblingJoinsTheResultItNeeds_whileTheOtherStillRuns(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        CountDownLatch configReady = new CountDownLatch(1);
        Blocker bystander = new Blocker();
        try (var scope = Scope.builder().threadFactory(threads).policy(Policy.<Object>awaitAll()).open()) {
            Task<Object> idle = scope.fork(bystander);
            Task<Object> config = scope.fork(() -> {
                configReady.await();
                return "config";
            });
            Task<Object> user = scope.fork(() -> "warmed with " + config.join());
            bystander.awaitStarted();
            await().until(() -> threads.threads().get(2).getState() == Thread.State.WAITING);
            assertSame(Task.State.RUNNING, user.state(), "the sibling waits in join()");
            configReady.countDown();
            assertEquals("warmed with config", user.join());
            assertSame(Task.State.RUNNING, idle.state(), "join() of one task does not wait for the others");
            idle.cancel();
            scope.join();
        }
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void joinReportsFailureAndCancellationAsGetDoes(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        IOException failure = new IOException("disk");
        Blocker blocker = new Blocker();
        try (var scope = Scope.builder().threadFactory(threads).policy(Policy.<Object>awaitAll()).open()) {
            Task<Object> failing = scope.fork(() -> {
                throw failure;
            });
            Task<Object> blocked = scope.fork(blocker);
            IllegalStateException failed = assertThrows(IllegalStateException.class, failing::join);
            assertSame(failure, failed.getCause());
            assertTrue(failed.getMessage().contains("join()"), failed.getMessage());
            blocker.awaitStarted();
            Thread canceller = Thread.ofPlatform().start(blocked::cancel);
            assertThrows(CancellationException.class, blocked::join);
            canceller.join();
            scope.join();
        }
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void joinIsInterruptible_theTaskIsNotAffected(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Blocker blocker = new Blocker();
        try (var scope = Scope.builder().threadFactory(threads).policy(Policy.<Object>awaitAll()).open()) {
            Task<Object> blocked = scope.fork(blocker);
            AtomicBoolean interrupted = new AtomicBoolean();
            Thread joiner = kind == ThreadKind.VIRTUAL ? Thread.ofVirtual().unstarted(() -> joinExpectingInterrupt(blocked, interrupted))
                    : Thread.ofPlatform().unstarted(() -> joinExpectingInterrupt(blocked, interrupted));
            joiner.start();
            await().until(() -> joiner.getState() == Thread.State.WAITING);
            joiner.interrupt();
            joiner.join();
            assertTrue(interrupted.get());
            assertSame(Task.State.RUNNING, blocked.state());
            assertFalse(blocker.interrupted());
            blocked.cancel();
            scope.join();
        }
        threads.assertNoneAlive();
    }

    private static void joinExpectingInterrupt(Task<?> task, AtomicBoolean interrupted) {
        try {
            task.join();
        } catch (InterruptedException e) {
            interrupted.set(true);
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void manyJoinersAllWake(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger woken = new AtomicInteger();
        try (var scope = Scope.builder().threadFactory(threads).policy(Policy.<Object>awaitAll()).open()) {
            Task<Object> awaited = scope.fork(() -> {
                release.await();
                return 42;
            });
            List<Thread> joiners = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                joiners.add(Thread.ofPlatform().start(() -> {
                    try {
                        if (Integer.valueOf(42).equals(awaited.join())) {
                            woken.incrementAndGet();
                        }
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }));
            }
            release.countDown();
            for (Thread joiner : joiners) {
                joiner.join();
            }
            assertEquals(16, woken.get());
            assertEquals(42, awaited.join(), "an ended task joins at once");
            scope.join();
        }
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aTaskCannotJoinItself(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        try (var scope = Scope.builder().threadFactory(threads).policy(Policy.<Object>awaitAll()).open()) {
            Task<Object> self = scope.fork(() -> Task.current().orElseThrow().join());
            List<Task<Object>> tasks = scope.join();
            assertEquals(List.of(self), tasks);
            assertTrue(self.exception() instanceof WrongThreadException, String.valueOf(self.exception()));
            assertTrue(self.exception().getMessage().contains("#" + threads.threads().get(0).threadId()));
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void joinOfATaskForkedIntoACancelledScopeReturnsAtOnce(ThreadKind kind) throws Exception {
        try (var scope = Scope.builder().threadFactory(kind.tracking()).open()) {
            scope.cancel();
            Task<Object> never = scope.fork(() -> 1);
            assertThrows(CancellationException.class, never::join);
        }
    }

    // ------------------------------------------------------------------ raceResult

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void raceResultReturnsTheFirstToFinish_evenAFailure(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        IOException first = new IOException("primary down");
        Blocker slow = new Blocker();
        ScopeFailedException e = assertThrows(ScopeFailedException.class, () -> Scope.raceResult(List.<Callable<Integer>>of(
                () -> {
                    slow.awaitStarted();
                    throw first;
                },
                slow), threads));
        assertSame(first, e.getCause());
        assertTrue(slow.interrupted(), "the loser was cancelled");
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void raceResultReturnsTheFirstToFinish_aSuccess(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Blocker slow = new Blocker();
        Integer winner = Scope.raceResult(List.<Callable<Integer>>of(
                () -> {
                    slow.awaitStarted();
                    return 7;
                },
                slow), threads);
        assertEquals(7, winner);
        assertTrue(slow.interrupted());
        threads.assertNoneAlive();
    }

    @Test
    void raceResultValidatesItsArguments() throws Exception {
        assertEquals("hello", Scope.raceResult(() -> "hello"));
        assertThrows(IllegalArgumentException.class, () -> Scope.raceResult(List.<Callable<Integer>>of()));
        assertEquals("tasks[1]", assertThrows(NullPointerException.class,
                () -> Scope.raceResult(() -> 1, null)).getMessage());
    }
}
