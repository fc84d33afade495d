package dev.fearless.scope;

import static dev.fearless.testing.TaskAssertions.assertState;
import static org.awaitility.Awaitility.await;
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
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Rule 4: a deadline cancels everything still running; join throws a timeout or returns a partial result. */
@Timeout(30)
class DeadlineTest {

    private static final Duration SHORT = Duration.ofMillis(20);

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void whenTheTimeoutPassesRunningTasksAreCancelledAndJoinThrowsScopeTimeoutException(ThreadKind kind) {
        TrackingFactory threads = kind.tracking();
        Blocker blocker = new Blocker();
        AtomicReference<Task<Integer>> task = new AtomicReference<>();
        ScopeTimeoutException e = assertThrows(ScopeTimeoutException.class, () -> {
            try (var scope = Scope.builder().name("slow").threadFactory(threads).timeout(SHORT).open()) {
                task.set(scope.fork(blocker));
                scope.join();
            }
        });
        assertTrue(e.getMessage().contains("timeout PT0.02S"), e.getMessage());
        assertTrue(e.getMessage().contains("\"slow\""), e.getMessage());
        ThreadKind.assertNamesCurrentThread(e);
        assertState(State.CANCELLED, task.get());
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void theDeadlineCancelsTasksEvenWhileTheOwnerIsNotInJoin(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Blocker blocker = new Blocker();
        try (var scope = Scope.builder().threadFactory(threads).timeout(SHORT).open()) {
            Task<Integer> task = scope.fork(blocker);
            await().until(() -> task.state() == State.CANCELLED);   // the owner is busy here, not in join()
            assertTrue(scope.isCancelled());
            assertThrows(ScopeTimeoutException.class, scope::join);
        }
        // the task is interrupted if its body had started before the deadline; otherwise it never runs
        assertTrue(blocker.interrupted() || !blocker.started());
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void awaitAllReturnsThePartialResultWhenTheDeadlinePasses(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        // the fast task must finish before the deadline; on a loaded machine retry with more time
        for (Duration timeout = SHORT; ; timeout = timeout.multipliedBy(2)) {
            try (var scope = Scope.builder().threadFactory(threads).policy(Policy.<Integer>awaitAll())
                    .timeout(timeout).open()) {
                Task<Integer> fast = scope.fork(() -> 1);
                Task<Integer> slow = scope.fork(new Blocker());
                List<Task<Integer>> tasks = scope.join();
                assertEquals(List.of(fast, slow), tasks);
                assertState(State.CANCELLED, slow);
                if (fast.state() == State.SUCCEEDED) {
                    assertEquals(1, fast.get());
                    break;
                }
                assertState(State.CANCELLED, fast);  // the deadline came first: a partial result with nothing in it
            }
        }
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aCustomPolicyDecidesWhatJoinReturnsOnTimeout(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        AtomicReference<ScopeTimeoutException> handed = new AtomicReference<>();
        Policy<Integer, String> partial = new Policy<>() {
            @Override
            public String result() {
                return "complete";
            }

            @Override
            public String onTimeout(ScopeTimeoutException timeout) {
                handed.set(timeout);
                return "partial";
            }
        };
        try (var scope = Scope.builder().threadFactory(threads).policy(partial).timeout(SHORT).open()) {
            scope.fork(new Blocker());
            assertEquals("partial", scope.join());
        }
        assertTrue(handed.get().getMessage().contains("passed its timeout"), handed.get().getMessage());
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void theDeadlineIsEnforcedByAThreadOfTheScopesOwnFactory(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        AtomicReference<Thread> canceller = new AtomicReference<>();
        CountDownLatch hooked = new CountDownLatch(1);
        try (var scope = Scope.builder().threadFactory(threads).timeout(Duration.ofMillis(200)).open()) {
            Task<Object> task = scope.fork(() -> {
                Task.current().orElseThrow().onCancel(() -> canceller.set(Thread.currentThread()));
                hooked.countDown();
                return new CountDownLatch(1).await(1, java.util.concurrent.TimeUnit.MINUTES);
            });
            hooked.await();                          // the owner is busy here, not in join()
            await().until(() -> task.state() == State.CANCELLED);
            assertThrows(ScopeTimeoutException.class, scope::join);
        }
        Thread cancelling = canceller.get();
        assertTrue(threads.threads().contains(cancelling), "cancelled by " + cancelling + ", not a thread of " + threads);
        assertTrue(kind.isKindOf(cancelling));
        assertEquals(2, threads.created(), "the task and the deadline thread");
        threads.assertNoneAlive();
    }

    @Test
    void aFactoryThatFailsForTheDeadlineThreadFailsOpenAndLeavesNoScopeOpen() throws Exception {
        for (Throwable refused : List.of(new IllegalStateException("no threads today"), new StackOverflowError(),
                new OutOfMemoryError("unable to create native thread"))) {
            assertSame(refused, assertThrows(Throwable.class, () -> Scope.builder()
                    .threadFactory(r -> {
                        throw sneaky(refused);
                    }).timeout(Duration.ofMinutes(1)).open()));
            try (var scope = Scope.open()) {         // each failure left nothing open
                scope.fork(() -> 1);
                scope.join();
            }
        }
        Thread started = Thread.ofVirtual().start(() -> {});
        IllegalStateException early = assertThrows(IllegalStateException.class, () -> Scope.builder()
                .threadFactory(r -> started).timeout(Duration.ofMinutes(1)).open());
        assertTrue(early.getMessage().contains("new, unstarted thread"), early.getMessage());
        try (var scope = Scope.open()) {             // no half-opened scope is the thread's innermost
            scope.fork(() -> 1);
            scope.join();
        }
    }

    private static RuntimeException sneaky(Throwable t) {
        if (t instanceof Error error) {
            throw error;
        }
        return (RuntimeException) t;
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aDeadlineAlreadyPastOpensTheScopeCancelled_forksNeverStart(ThreadKind kind) {
        TrackingFactory threads = kind.tracking();
        AtomicBoolean ran = new AtomicBoolean();
        AtomicReference<Task<Boolean>> task = new AtomicReference<>();
        assertThrows(ScopeTimeoutException.class, () -> {
            try (var scope = Scope.builder().threadFactory(threads).deadline(Instant.now().minusSeconds(1)).open()) {
                assertTrue(scope.isCancelled());
                task.set(scope.fork(() -> ran.getAndSet(true)));
                assertState(State.CANCELLED, task.get());
                scope.join();
            }
        });
        assertFalse(ran.get());
        assertTrue(threads.threads().stream().allMatch(t -> t.getState() == Thread.State.NEW), "never started");
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void tasksThatFinishBeforeTheDeadlineGiveTheNormalResult(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        try (var scope = Scope.builder().threadFactory(threads).policy(Policy.<Integer>firstSuccess())
                .deadline(Instant.now().plus(Duration.ofMinutes(5))).open()) {
            scope.fork(() -> 5);
            assertEquals(5, scope.join());
        }
        threads.assertNoneAlive();
    }

    @Test
    void aNegativeTimeoutIsRejected_aNullOneToo() {
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> Scope.builder().timeout(Duration.ofSeconds(-1)));
        assertEquals("timeout must not be negative: PT-1S", negative.getMessage());
        assertEquals("timeout", assertThrows(NullPointerException.class, () -> Scope.builder().timeout(null)).getMessage());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aZeroTimeoutHasAlreadyExpired_forksNeverStart(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        AtomicBoolean ran = new AtomicBoolean();
        try (var scope = Scope.builder().threadFactory(threads).timeout(Duration.ZERO).open()) {
            assertTrue(scope.isCancelled());
            Task<Boolean> task = scope.fork(() -> ran.getAndSet(true));
            assertEquals(Task.State.CANCELLED, task.state());
            assertThrows(ScopeTimeoutException.class, scope::join);
        }
        assertFalse(ran.get());
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aHugeTimeoutSaturates(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        try (var scope = Scope.builder().threadFactory(threads).policy(Policy.<Integer>firstSuccess())
                .timeout(Duration.ofSeconds(Long.MAX_VALUE)).open()) {
            assertFalse(scope.isCancelled());
            scope.fork(() -> 7);
            assertEquals(7, scope.join());
        }
        threads.assertNoneAlive();
    }
}
