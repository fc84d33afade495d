package dev.fearless.scope;

import static dev.fearless.testing.TaskAssertions.assertState;
import static dev.fearless.testing.ThreadKind.awaitUninterruptibly;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.scope.Task.State;
import dev.fearless.testing.Blocker;
import dev.fearless.testing.ThreadKind;
import dev.fearless.testing.TrackingFactory;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Rules 6 and 7: structure rules checked with clear exceptions, and no orphan threads. */
@Timeout(30)
class StructureTest {

    private static <T> T onAnotherThread(java.util.concurrent.Callable<T> action) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread other = Thread.ofPlatform().name("intruder").start(() -> {
            try {
                result.set(action.call());
            } catch (Exception e) {
                failure.set(e);
            }
        });
        other.join();
        if (failure.get() != null) {
            throw failure.get();
        }
        return result.get();
    }

    private static <E extends Throwable> E thrownOnAnotherThread(Class<E> type, Runnable action) throws Exception {
        return onAnotherThread(() -> assertThrows(type, action::run));
    }

    // ------------------------------------------------------------------ owner only

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void onlyTheOwnerMayJoinOrClose_theMessageNamesTheThread(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        try (var scope = Scope.builder().name("owned").threadFactory(threads).open()) {
            Task<Integer> task = scope.fork(() -> 1);
            WrongThreadException join = thrownOnAnotherThread(WrongThreadException.class, () -> {
                try {
                    scope.join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            assertTrue(join.getMessage().matches("(?s).*thread \"intruder\" \\(#\\d+\\) called join\\(\\).*"), join.getMessage());
            assertTrue(join.getMessage().contains("only its owner"), join.getMessage());
            WrongThreadException close = thrownOnAnotherThread(WrongThreadException.class, scope::close);
            assertTrue(close.getMessage().matches("(?s).*thread \"intruder\" \\(#\\d+\\) called close\\(\\).*"), close.getMessage());
            scope.fork(() -> 2);                     // nothing was closed
            scope.join();
            assertEquals(1, task.get());
        }
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aThreadThatIsNeitherOwnerNorTaskMayNotFork(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        try (var scope = Scope.builder().threadFactory(threads).open();
             var other = Scope.builder().threadFactory(threads).policy(Policy.awaitAll()).open()) {
            WrongThreadException outsider = thrownOnAnotherThread(WrongThreadException.class, () -> scope.fork(() -> 1));
            assertTrue(outsider.getMessage().matches("(?s).*thread \"intruder\" \\(#\\d+\\) called fork\\(\\).*"), outsider.getMessage());
            // a task of another scope is not a task of this one
            Task<Object> foreign = other.fork(() -> scope.fork(() -> 1));
            other.join();
            fail(foreign);
            scope.join();
        }
        assertEquals(0, threads.threads().stream().filter(t -> t.getState() == Thread.State.NEW).count());
        threads.assertNoneAlive();
    }

    private static void fail(Task<Object> foreign) {
        assertState(State.FAILED, foreign);
        assertInstanceOf(WrongThreadException.class, foreign.exception());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void tasksMayForkIntoTheirOwnScope_joinWaitsForTheGrandchildren(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        AtomicReference<Task<String>> grandchild = new AtomicReference<>();
        CountDownLatch release = new CountDownLatch(1);
        try (var scope = Scope.builder().threadFactory(threads).policy(Policy.<String>awaitAll()).open()) {
            scope.fork(() -> {
                grandchild.set(scope.fork(() -> {
                    release.await();
                    return "grandchild";
                }));
                return "child";
            });
            await().until(() -> grandchild.get() != null);
            release.countDown();
            List<Task<String>> tasks = scope.join();
            assertEquals(2, tasks.size());
            assertEquals("grandchild", grandchild.get().get());
        }
        threads.assertNoneAlive();
    }

    // ------------------------------------------------------------------ after join / close

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void forkAfterJoinOrCloseAndJoinAfterCloseThrowScopeClosedException(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        var scope = Scope.builder().threadFactory(threads).open();
        scope.fork(() -> 1);
        scope.join();
        ScopeClosedException afterJoin = assertThrows(ScopeClosedException.class, () -> scope.fork(() -> 2));
        assertTrue(afterJoin.getMessage().contains("already joined"), afterJoin.getMessage());
        ThreadKind.assertNamesCurrentThread(afterJoin);
        IllegalStateException joinTwice = assertThrows(IllegalStateException.class, scope::join);
        assertTrue(joinTwice.getMessage().contains("join() again"), joinTwice.getMessage());
        scope.close();
        scope.close();                               // idempotent
        ScopeClosedException afterClose = assertThrows(ScopeClosedException.class, () -> scope.fork(() -> 3));
        assertTrue(afterClose.getMessage().contains("is closed"), afterClose.getMessage());
        ScopeClosedException joinAfterClose = assertThrows(ScopeClosedException.class, scope::join);
        assertTrue(joinAfterClose.getMessage().contains("before close()"), joinAfterClose.getMessage());
        assertEquals(1, threads.created());
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aTaskForkingAfterCloseGetsScopeClosedException(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        CountDownLatch closed = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Throwable> late = new AtomicReference<>();
        AtomicReference<Scope<Object, Void>> scopeRef = new AtomicReference<>();
        Thread owner = Thread.ofPlatform().start(() -> {
            try (var scope = Scope.builder().threadFactory(threads).open()) {
                scopeRef.set(scope);
                scope.fork(() -> {
                    started.countDown();
                    awaitUninterruptibly(closed);    // still running while the owner is in close()
                    try {
                        scope.fork(() -> 1);
                    } catch (Throwable e) {
                        late.set(e);
                    }
                    return null;
                });
                awaitUninterruptibly(started);
                scope.cancel();                      // abandon on purpose: close does not complain
            }
        });
        await().until(() -> LockSupport.getBlocker(owner) != null && LockSupport.getBlocker(owner) == scopeRef.get());
        closed.countDown();
        owner.join();
        assertInstanceOf(ScopeClosedException.class, late.get());
        threads.assertNoneAlive();
    }

    // ------------------------------------------------------------------ nesting

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void closingAnOuterScopeFirstClosesTheInnerOnesThenThrowsStructureViolation(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Blocker blocker = new Blocker();
        var outer = Scope.builder().name("outer").threadFactory(threads).open();
        var inner = Scope.builder().name("inner").threadFactory(threads).open();
        Task<Integer> innerTask = inner.fork(blocker);
        blocker.awaitStarted();
        StructureViolationException e = assertThrows(StructureViolationException.class, outer::close);
        assertTrue(e.getMessage().contains("\"inner\""), e.getMessage());
        ThreadKind.assertNamesCurrentThread(e);
        assertTrue(e.getMessage().contains("try-with-resources"), e.getMessage());
        assertState(State.CANCELLED, innerTask);
        assertTrue(blocker.interrupted());
        threads.assertNoneAlive();
        inner.close();                               // already closed: no effect
        assertThrows(ScopeClosedException.class, () -> inner.fork(() -> 1));
        try (var next = Scope.builder().threadFactory(threads).open()) {
            next.fork(() -> 1);
            next.join();
        } // the thread's scope stack is empty again: no spurious violation here
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void nestedScopesClosedInnermostFirstAreFine(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        try (var outer = Scope.builder().threadFactory(threads).open()) {
            Task<Integer> sum = outer.fork(() -> {
                try (var inner = Scope.builder().threadFactory(threads).open()) {
                    Task<Integer> a = inner.fork(() -> 1);
                    Task<Integer> b = inner.fork(() -> 2);
                    inner.join();
                    return a.get() + b.get();
                }
            });
            try (var sibling = Scope.builder().threadFactory(threads).open()) {
                sibling.fork(() -> 3);
                sibling.join();
            }
            outer.join();
            assertEquals(3, sum.get());
        }
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aTaskThatLeavesAScopeOpenFailsWithStructureViolation_andItsThreadsAreReaped(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Blocker blocker = new Blocker();
        Task<String> careless;
        try (var scope = Scope.builder().threadFactory(threads).policy(Policy.<String>awaitAll()).open()) {
            careless = scope.fork(() -> {
                var forgotten = Scope.builder().name("forgotten").threadFactory(threads).open();
                forgotten.fork(blocker);
                blocker.awaitStarted();
                return "returned without closing";
            });
            scope.join();
        }
        assertState(State.FAILED, careless);
        StructureViolationException e = assertInstanceOf(StructureViolationException.class, careless.exception());
        assertTrue(e.getMessage().contains("\"forgotten\""), e.getMessage());
        assertTrue(blocker.interrupted());
        threads.assertNoneAlive();
    }

    // ------------------------------------------------------------------ close without join

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void closeWithoutJoinCancelsWaitsThenReportsTheSkippedJoin(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Blocker blocker = new Blocker();
        AtomicReference<Task<Integer>> task = new AtomicReference<>();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
            try (var scope = Scope.builder().threadFactory(threads).open()) {
                task.set(scope.fork(blocker));
                blocker.awaitStarted();
            }
        });
        assertTrue(e.getMessage().contains("without join()"), e.getMessage());
        ThreadKind.assertNamesCurrentThread(e);
        assertState(State.CANCELLED, task.get());
        assertTrue(blocker.interrupted());
        threads.assertNoneAlive();           // cleanup happened before the report
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aFailingBodyStillClosesTheScope_theSkippedJoinIsSuppressed(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Blocker blocker = new Blocker();
        IllegalArgumentException body = assertThrows(IllegalArgumentException.class, () -> {
            try (var scope = Scope.builder().threadFactory(threads).open()) {
                scope.fork(blocker);
                blocker.awaitStarted();
                throw new IllegalArgumentException("validation failed before join");
            }
        });
        assertEquals(1, body.getSuppressed().length);
        assertTrue(body.getSuppressed()[0].getMessage().contains("without join()"));
        threads.assertNoneAlive();
    }

    // ------------------------------------------------------------------ no orphans

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void closeKeepsWaitingWhenTheOwnerIsInterrupted_andRestoresTheFlag(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Scope<Object, Void>> scopeRef = new AtomicReference<>();
        AtomicBoolean interruptedAfterClose = new AtomicBoolean();
        AtomicBoolean taskAliveAfterClose = new AtomicBoolean(true);
        Thread owner = Thread.ofPlatform().start(() -> {
            try (var scope = Scope.builder().threadFactory(threads).open()) {
                scopeRef.set(scope);
                scope.fork(() -> {
                    started.countDown();
                    awaitUninterruptibly(release);   // ignores cancellation
                    return null;
                });
                awaitUninterruptibly(started);
                scope.cancel();
            }
            interruptedAfterClose.set(Thread.currentThread().isInterrupted());
            taskAliveAfterClose.set(threads.threads().getFirst().isAlive());
        });
        await().until(() -> scopeRef.get() != null && LockSupport.getBlocker(owner) == scopeRef.get());
        owner.interrupt();                           // the owner is parked in close()
        await().until(() -> owner.getState() == Thread.State.WAITING && LockSupport.getBlocker(owner) == scopeRef.get());
        assertTrue(owner.isAlive(), "close() did not give up on interrupt");
        release.countDown();
        owner.join();
        assertTrue(interruptedAfterClose.get(), "interrupt status restored");
        assertFalse(taskAliveAfterClose.get(), "the task's thread had terminated when close() returned");
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void tasksThrowingErrorsAreFailedTasks_noThreadOutlivesTheScope(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        OutOfMemoryError oom = new OutOfMemoryError("simulated");
        try (var scope = Scope.builder().threadFactory(threads).policy(Policy.<Integer>awaitAll()).open()) {
            Task<Integer> a = scope.fork(() -> {
                throw oom;
            });
            Task<Integer> b = scope.fork(StructureTest::recurseForever);
            Task<Integer> c = scope.fork(() -> {
                throw new AssertionError("assert");
            });
            scope.join();
            assertSame(oom, a.exception());
            assertInstanceOf(StackOverflowError.class, b.exception());
            assertInstanceOf(AssertionError.class, c.exception());
        }
        threads.assertNoneAlive();
        ScopeFailedException e = assertThrows(ScopeFailedException.class, () -> {
            try (var scope = Scope.builder().threadFactory(threads).open()) {
                scope.fork(() -> {
                    throw new LinkageError("broken class path");
                });
                scope.join();
            }
        });
        assertInstanceOf(LinkageError.class, e.getCause());
        threads.assertNoneAlive();
    }

    private static int recurseForever() {
        return recurseForever() + 1;
    }
}
