package dev.fearless.scope;

import static dev.fearless.testing.TaskAssertions.assertState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.scope.Task.State;
import dev.fearless.testing.Blocker;
import dev.fearless.testing.ThreadKind;
import dev.fearless.testing.TrackingFactory;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Rules 2 and 3: the built-in and custom policies, and the one exception join throws on failure. */
@Timeout(30)
class PolicyTest {

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void allSuccessfulCancelsTheRestOnTheFirstFailureAndJoinThrowsItAsTheCause(ThreadKind kind) {
        TrackingFactory threads = kind.tracking();
        Blocker blocker = new Blocker();
        IllegalArgumentException failure = new IllegalArgumentException("bad order");
        AtomicReference<Task<Integer>> blocked = new AtomicReference<>();
        ScopeFailedException e = assertThrows(ScopeFailedException.class, () -> {
            try (var scope = Scope.builder().name("orders").threadFactory(threads).open()) {
                blocked.set(scope.fork(blocker));
                blocker.awaitStarted();
                scope.fork(() -> {
                    throw failure;
                });
                scope.join();
            }
        });
        assertSame(failure, e.getCause());
        assertEquals(0, e.getSuppressed().length);
        assertTrue(e.getMessage().contains("\"orders\""), e.getMessage());
        ThreadKind.assertNamesCurrentThread(e);
        assertState(State.CANCELLED, blocked.get());
        assertTrue(blocker.interrupted(), "the sibling was interrupted");
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void allSuccessfulReturnsNullWhenEveryTaskSucceeds(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        try (var scope = Scope.builder().threadFactory(threads).policy(Policy.<Integer>allSuccessful()).open()) {
            Task<Integer> a = scope.fork(() -> 1);
            Task<Integer> b = scope.fork(() -> 2);
            assertNull(scope.join());
            assertEquals(3, a.get() + b.get());
        }
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void allSuccessfulDoesNotCountAnIndividuallyCancelledTaskAsAFailure(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        try (var scope = Scope.builder().threadFactory(threads).open()) {
            Task<Integer> cancelled = scope.fork(new Blocker());
            Task<Integer> fine = scope.fork(() -> 7);
            cancelled.cancel();
            assertNull(scope.join());
            assertState(State.CANCELLED, cancelled);
            assertEquals(7, fine.get());
        }
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void firstSuccessReturnsTheWinnerAndCancelsTheOthers(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Blocker blocker = new Blocker();
        Task<Integer> loser;
        try (var scope = Scope.builder().threadFactory(threads).policy(Policy.<Integer>firstSuccess()).open()) {
            loser = scope.fork(blocker);
            blocker.awaitStarted();
            scope.fork(() -> 42);
            assertEquals(42, scope.join());
        }
        assertState(State.CANCELLED, loser);
        assertTrue(blocker.interrupted());
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void firstSuccessWithOnlyFailuresThrowsTheFirstAsCauseAndTheOthersSuppressed(ThreadKind kind) {
        TrackingFactory threads = kind.tracking();
        List<RuntimeException> failures = List.of(
                new IllegalStateException("a"), new IllegalArgumentException("b"), new UnsupportedOperationException("c"));
        ScopeFailedException e = assertThrows(ScopeFailedException.class, () -> {
            try (var scope = Scope.builder().threadFactory(threads).policy(Policy.<Integer>firstSuccess()).open()) {
                for (RuntimeException failure : failures) {
                    scope.fork(() -> {
                        throw failure;
                    });
                }
                scope.join();
            }
        });
        Set<Throwable> reported = Arrays.stream(e.getSuppressed()).collect(Collectors.toSet());
        reported.add(e.getCause());
        assertEquals(Set.copyOf(failures), reported, "cause + suppressed = every failure, once");
        assertEquals(2, e.getSuppressed().length);
        assertTrue(e.getMessage().contains("2 more failures are suppressed"), e.getMessage());
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void firstSuccessWithNoTaskThrowsWithANoSuchElementCause(ThreadKind kind) {
        TrackingFactory threads = kind.tracking();
        ScopeFailedException e = assertThrows(ScopeFailedException.class, () -> {
            try (var scope = Scope.builder().threadFactory(threads).policy(Policy.<Integer>firstSuccess()).open()) {
                scope.join();
            }
        });
        assertInstanceOf(NoSuchElementException.class, e.getCause());
        assertTrue(e.getMessage().contains("none was forked"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void awaitAllNeverCancelsAndReturnsEveryTaskInForkOrder(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        CountDownLatch failed = new CountDownLatch(1);
        AtomicBoolean siblingInterrupted = new AtomicBoolean();
        try (var scope = Scope.builder().threadFactory(threads).policy(Policy.<String>awaitAll()).open()) {
            scope.fork(() -> {
                failed.countDown();
                throw new IllegalStateException("one fails");
            });
            scope.fork(() -> {
                failed.await();
                siblingInterrupted.set(Thread.currentThread().isInterrupted());
                return "other still finishes";
            });
            List<Task<String>> tasks = scope.join();
            assertEquals(List.of(State.FAILED, State.SUCCEEDED), tasks.stream().map(Task::state).toList());
            assertEquals("other still finishes", tasks.get(1).get());
        }
        assertFalse(siblingInterrupted.get());
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void untilCancelsTheRestOnceThePredicateHoldsAndReturnsEveryTask(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Blocker blocker = new Blocker();
        Policy<Integer, List<Task<Integer>>> policy =
                Policy.until(task -> task.state() == State.SUCCEEDED && task.get() == 2);
        try (var scope = Scope.builder().threadFactory(threads).policy(policy).open()) {
            Task<Integer> blocked = scope.fork(blocker);
            blocker.awaitStarted();
            Task<Integer> two = scope.fork(() -> 2);
            List<Task<Integer>> tasks = scope.join();
            assertEquals(List.of(blocked, two), tasks);
            assertState(State.CANCELLED, blocked);
        }
        assertTrue(blocker.interrupted());
        threads.assertNoneAlive();
    }

    /** A custom policy that records where and when each hook ran. */
    private static final class Recording implements Policy<Integer, String> {
        final ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Thread> completedOn = new ConcurrentLinkedQueue<>();
        final AtomicInteger sum = new AtomicInteger();
        final Thread owner = Thread.currentThread();

        @Override
        public void onFork(Task<Integer> task) {
            events.add("fork:" + task.state() + ":" + (Thread.currentThread() == owner ? "owner" : "other"));
        }

        @Override
        public boolean onComplete(Task<Integer> task) {
            completedOn.add(Thread.currentThread());
            if (task.state() == State.SUCCEEDED) {
                sum.addAndGet(task.get());
            }
            return sum.get() >= 3;                   // done after 1 + 2: cancels the blocked task
        }

        @Override
        public String result() {
            events.add("result:" + (Thread.currentThread() == owner ? "owner" : "other"));
            return "sum=" + sum.get();
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aCustomPolicyIsCalledOnForkOnComplete_onTheTaskThread_andForTheResult(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Recording policy = new Recording();
        Blocker blocker = new Blocker();
        ConcurrentLinkedQueue<Thread> ranOn = new ConcurrentLinkedQueue<>();
        Task<Integer> blocked;
        try (var scope = Scope.builder().threadFactory(threads).policy(policy).open()) {
            blocked = scope.fork(() -> {
                ranOn.add(Thread.currentThread());
                return blocker.call();
            });
            blocker.awaitStarted();
            scope.fork(() -> {
                ranOn.add(Thread.currentThread());
                return 1;
            });
            scope.fork(() -> {
                ranOn.add(Thread.currentThread());
                return 2;
            });
            assertEquals("sum=3", scope.join());      // 1 + 2 made the scope done: the blocked task was cancelled
        }
        assertEquals(List.of("fork:RUNNING:owner", "fork:RUNNING:owner", "fork:RUNNING:owner", "result:owner"),
                List.copyOf(policy.events));
        assertState(State.CANCELLED, blocked);
        assertTrue(blocker.interrupted());
        assertEquals(Set.copyOf(ranOn), Set.copyOf(policy.completedOn), "onComplete runs on each task's own thread");
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aBuiltInPolicyInstanceCannotServeTwoScopes(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Policy<Object, Void> shared = Policy.allSuccessful();
        try (var first = Scope.builder().threadFactory(threads).policy(shared).open()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Scope.open(shared));
            assertTrue(e.getMessage().contains("fresh"), e.getMessage());
            assertTrue(e.getMessage().contains(first.toString()), e.getMessage());
            first.fork(() -> 1);
            first.join();
        } // closing `first` proves the refused open left no scope behind on this thread
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aPolicyThatThrowsInOnForkMakesForkThrowAndTheTaskNeverRuns(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        AtomicInteger forks = new AtomicInteger();
        AtomicBoolean ran = new AtomicBoolean();
        Policy<Object, String> refusesSecond = new Policy<>() {
            @Override
            public void onFork(Task<Object> task) {
                if (forks.incrementAndGet() == 2) {
                    throw new UnsupportedOperationException("only one task allowed");
                }
            }

            @Override
            public String result() {
                return "ok";
            }
        };
        try (var scope = Scope.builder().threadFactory(threads).policy(refusesSecond).open()) {
            scope.fork(() -> 1);
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> scope.fork(() -> ran.getAndSet(true)));
            assertEquals("only one task allowed", e.getMessage());
            assertEquals("ok", scope.join());
        }
        assertFalse(ran.get());
        assertEquals(Thread.State.NEW, threads.threads().get(1).getState(), "its thread was never started");
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aPolicyThatThrowsInOnCompleteCancelsTheScopeAndJoinReportsIt(ThreadKind kind) {
        TrackingFactory threads = kind.tracking();
        Blocker blocker = new Blocker();
        IllegalStateException bug = new IllegalStateException("policy bug");
        Policy<Integer, String> broken = new Policy<>() {
            @Override
            public boolean onComplete(Task<Integer> task) {
                throw bug;
            }

            @Override
            public String result() {
                return "unreachable";
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
            try (var scope = Scope.builder().threadFactory(threads).policy(broken).open()) {
                scope.fork(blocker);
                blocker.awaitStarted();
                scope.fork(() -> 1);
                scope.join();
            }
        });
        assertSame(bug, e.getCause());
        assertTrue(e.getMessage().contains("fix the policy"), e.getMessage());
        assertTrue(blocker.interrupted(), "the scope was cancelled");
        threads.assertNoneAlive();
    }
}
