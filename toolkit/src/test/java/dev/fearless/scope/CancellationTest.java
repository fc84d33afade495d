package dev.fearless.scope;

import static dev.fearless.testing.TaskAssertions.assertState;
import static dev.fearless.testing.ThreadKind.awaitUninterruptibly;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.fearless.scope.Task.State;
import dev.fearless.testing.Blocker;
import dev.fearless.testing.ThreadKind;
import dev.fearless.testing.TrackingFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/** Rule 5: explicit cancel of a scope and of a task, cancel by interrupt, and cancel hooks. */
@Timeout(30)
class CancellationTest {

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void cancellingTheScopeInterruptsEveryTaskAndJoinThrowsScopeCancelled(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Blocker first = new Blocker();
        Blocker second = new Blocker();
        try (var scope = Scope.builder().threadFactory(threads).open()) {
            Task<Integer> a = scope.fork(first);
            Task<Integer> b = scope.fork(second);
            first.awaitStarted();
            second.awaitStarted();
            scope.cancel();
            scope.cancel();                          // idempotent
            assertTrue(scope.isCancelled());
            ScopeCancelledException e = assertThrows(ScopeCancelledException.class, scope::join);
            assertInstanceOf(ScopeException.class, e);
            assertTrue(e.getMessage().contains("cancelled by " + dev.fearless.internal.Threads.current()),
                    e.getMessage());
            assertState(State.CANCELLED, a);
            assertState(State.CANCELLED, b);
        } // cancel() expressed the intent to abandon the tasks: close does not complain
        assertTrue(first.interrupted() && second.interrupted());
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aTaskMayCancelItsOwnScope(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Blocker sibling = new Blocker();
        AtomicReference<Thread> canceller = new AtomicReference<>();
        try (var scope = Scope.builder().threadFactory(threads).open()) {
            scope.fork(sibling);
            sibling.awaitStarted();
            scope.fork(() -> {
                canceller.set(Thread.currentThread());
                scope.cancel();
                return "seen enough";
            });
            ScopeCancelledException e = assertThrows(ScopeCancelledException.class, scope::join);
            assertTrue(e.getMessage().contains("#" + canceller.get().threadId()), e.getMessage());
        }
        assertTrue(sibling.interrupted());
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void anyThreadMayCancelAScope(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Blocker blocker = new Blocker();
        try (var scope = Scope.builder().threadFactory(threads).open()) {
            scope.fork(blocker);
            blocker.awaitStarted();
            Thread outsider = Thread.ofPlatform().start(scope::cancel);
            outsider.join();
            assertThrows(ScopeCancelledException.class, scope::join);
        }
        assertTrue(blocker.interrupted());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void cancelAfterJoinDoesNothingAndForksAfterCancelNeverStart(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        try (var scope = Scope.builder().threadFactory(threads).open()) {
            scope.fork(() -> 1);
            scope.join();
            scope.cancel();
            assertFalse(scope.isCancelled(), "a joined scope has nothing left to cancel");
        }
        try (var scope = Scope.builder().threadFactory(threads).policy(Policy.<Integer>awaitAll()).open()) {
            scope.cancel();
            Task<Integer> late = scope.fork(() -> 1);
            assertState(State.CANCELLED, late);
            assertThrows(ScopeCancelledException.class, scope::join);
        }
        assertEquals(1, threads.created(), "no thread is made for a fork into a cancelled scope");
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void cancellingOneTaskLeavesItsSiblingsRunning_andIsIdempotent(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Blocker blocker = new Blocker();
        CountDownLatch release = new CountDownLatch(1);
        try (var scope = Scope.builder().threadFactory(threads).open()) {
            Task<Integer> cancelled = scope.fork(blocker);
            Task<String> sibling = scope.fork(() -> {
                release.await();
                return "sibling done";
            });
            Task<Integer> done = scope.fork(() -> 3);
            blocker.awaitStarted();
            cancelled.cancel();
            cancelled.cancel();
            assertState(State.CANCELLED, cancelled);
            assertFalse(scope.isCancelled());
            release.countDown();
            scope.join();
            done.cancel();                           // already succeeded: no effect, no exception
            assertEquals(3, done.get());
            assertEquals("sibling done", sibling.get());
        }
        assertTrue(blocker.interrupted());
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void interruptingTheOwnerInJoinThrowsWithoutCancelling_joinCanBeRetried(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        CountDownLatch release = new CountDownLatch(1);
        try (var scope = Scope.builder().threadFactory(threads).open()) {
            Task<String> task = scope.fork(() -> {
                release.await();
                return "finished";
            });
            Thread.currentThread().interrupt();
            InterruptedException e = assertThrows(InterruptedException.class, scope::join);
            ThreadKind.assertNamesCurrentThread(e);
            assertFalse(scope.isCancelled());
            assertState(State.RUNNING, task);
            release.countDown();
            scope.join();
            assertEquals("finished", task.get());
        }
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void anInterruptedOwnerLeavingTheBlockCancelsTheTasks(ThreadKind kind) {
        TrackingFactory threads = kind.tracking();
        Blocker blocker = new Blocker();
        assertThrows(InterruptedException.class, () -> {
            try (var scope = Scope.builder().threadFactory(threads).open()) {
                scope.fork(blocker);
                blocker.awaitStarted();
                Thread.currentThread().interrupt();
                scope.join();
            } // close cancels; no "skipped join" report: the join was interrupted
        });
        assertTrue(blocker.interrupted());
        threads.assertNoneAlive();
    }

    // ------------------------------------------------------------------ cancel hooks

    /** How a task gets cancelled. */
    enum Cause { TASK_CANCEL, SCOPE_CANCEL, DEADLINE, POLICY, CLOSE_WITHOUT_JOIN }

    @ParameterizedTest
    @EnumSource(Cause.class)
    void aCancelHookUnblocksWorkThatIgnoresInterrupts_onceForEveryCause(Cause cause) throws Exception {
        for (ThreadKind kind : ThreadKind.values()) {
            // with a deadline the task must register its hook before the deadline passes: retry with
            // a longer timeout when a loaded machine was too slow (no timing assertion either way)
            Duration timeout = Duration.ofMillis(20);
            while (!hookScenario(cause, kind, timeout)) {
                timeout = timeout.multipliedBy(2);
            }
        }
    }

    /** Runs one scenario; returns false if the deadline passed before the task registered its hook. */
    private static boolean hookScenario(Cause cause, ThreadKind kind, Duration timeout) throws Exception {
        TrackingFactory threads = kind.tracking();
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch socket = new CountDownLatch(1);   // stands for a blocking read only close() ends
        CountDownLatch registered = new CountDownLatch(1);
        AtomicReference<Task<String>> task = new AtomicReference<>();
        Scope.Builder<Object, Void> builder = Scope.builder().threadFactory(threads);
        if (cause == Cause.DEADLINE) {
            builder.timeout(timeout);
        }
        try {
            try (var scope = builder.open()) {
                task.set(scope.fork(() -> {
                    try (var _ = Task.current().orElseThrow().onCancel(() -> {
                        runs.incrementAndGet();
                        socket.countDown();
                    })) {
                        registered.countDown();
                        awaitUninterruptibly(socket);
                        return "read";
                    }
                }));
                await().until(() -> registered.getCount() == 0 || task.get().state() == State.CANCELLED);
                if (registered.getCount() != 0) {
                    scope.cancel();
                    try {
                        scope.join();                // the deadline may have cancelled first: join, so
                    } catch (RuntimeException expected) { // close does not report a skipped join
                        // timed out or cancelled
                    }
                    return false;                    // the deadline beat the task's start
                }
                switch (cause) {
                    case TASK_CANCEL -> task.get().cancel();
                    case SCOPE_CANCEL -> scope.cancel();
                    case POLICY -> scope.fork(() -> {
                        throw new IllegalStateException("sibling failed");
                    });
                    case DEADLINE, CLOSE_WITHOUT_JOIN -> { }
                }
                if (cause != Cause.CLOSE_WITHOUT_JOIN) {
                    try {
                        scope.join();
                    } catch (RuntimeException expected) {
                        // cancelled, failed or timed out: the hook is what this test checks
                    }
                }
            }
        } catch (IllegalStateException skippedJoin) {
            assertEquals(Cause.CLOSE_WITHOUT_JOIN, cause, skippedJoin.toString());
        }
        task.get().cancel();                         // after the fact: the hook must not run again
        assertEquals(1, runs.get(), cause + " on " + kind);
        assertState(State.CANCELLED, task.get());
        threads.assertNoneAlive();
        return true;
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aRemovedHookNeverRuns(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        AtomicInteger runs = new AtomicInteger();
        Blocker blocker = new Blocker();
        try (var scope = Scope.builder().threadFactory(threads).open()) {
            Task<Integer> task = scope.fork(() -> {
                Task.CancelHook hook = Task.current().orElseThrow().onCancel(runs::incrementAndGet);
                hook.close();
                hook.close();                        // idempotent
                return blocker.call();
            });
            blocker.awaitStarted();
            task.cancel();
            scope.join();
        }
        assertEquals(0, runs.get());
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aHookRegisteredAfterCancellationRunsAtOnceOnTheRegisteringThread(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        AtomicReference<Thread> hookRanOn = new AtomicReference<>();
        AtomicReference<Thread> taskThread = new AtomicReference<>();
        try (var scope = Scope.builder().threadFactory(threads).open()) {
            Task<Object> task = scope.fork(() -> {
                taskThread.set(Thread.currentThread());
                started.countDown();
                awaitUninterruptibly(cancelled);     // ignores the interrupt: keeps running after cancel()
                Task.current().orElseThrow().onCancel(() -> hookRanOn.set(Thread.currentThread()));
                return null;
            });
            started.await();
            task.cancel();
            cancelled.countDown();
            scope.join();
        }
        assertTrue(taskThread.get() != null);
        assertSame(taskThread.get(), hookRanOn.get());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aHookOfATaskThatEndedNormallyNeverRuns(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        AtomicInteger runs = new AtomicInteger();
        try (var scope = Scope.builder().threadFactory(threads).open()) {
            Task<Integer> task = scope.fork(() -> 1);
            scope.join();
            Task.CancelHook hook = task.onCancel(runs::incrementAndGet);  // from outside the task: allowed
            task.cancel();
            hook.close();
        }
        assertEquals(0, runs.get());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aFailingHookIsLoggedAndTheOtherHooksStillRun_newestFirst(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Logger logger = (Logger) LoggerFactory.getLogger(Scope.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
        Blocker blocker = new Blocker();
        try (var scope = Scope.builder().threadFactory(threads).open()) {
            Task<Integer> task = scope.fork(() -> {
                Task<?> self = Task.current().orElseThrow();
                self.onCancel(() -> order.add("first"));
                self.onCancel(() -> {
                    order.add("second");
                    throw new IllegalStateException("hook broke");
                });
                return blocker.call();
            });
            blocker.awaitStarted();
            task.cancel();                           // never throws, even though a hook does
            scope.join();
        } finally {
            logger.detachAppender(appender);
        }
        assertEquals(List.of("second", "first"), List.copyOf(order));
        ILoggingEvent logged = appender.list.stream()
                .filter(event -> event.getFormattedMessage().contains("Cancel hook")).findFirst().orElseThrow();
        assertEquals("hook broke", logged.getThrowableProxy().getMessage());
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aHookCanCancelACompletionStage_theBridgePattern(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        java.util.concurrent.CompletableFuture<String> remote = new java.util.concurrent.CompletableFuture<>();
        CountDownLatch registered = new CountDownLatch(1);
        Task<String> task;
        try (var scope = Scope.builder().threadFactory(threads).policy(Policy.<String>awaitAll()).open()) {
            task = scope.fork(() -> {
                try (var _ = Task.current().orElseThrow().onCancel(() -> remote.cancel(true))) {
                    registered.countDown();
                    return remote.join();            // join() ignores interrupts; the hook ends it
                }
            });
            registered.await();
            scope.cancel();
            assertThrows(ScopeCancelledException.class, scope::join);
        }
        assertTrue(remote.isCancelled());
        assertState(State.CANCELLED, task);
        assertNull(task.state() == State.SUCCEEDED ? task.get() : null);
        threads.assertNoneAlive();
    }
}
