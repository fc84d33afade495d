package dev.fearless.scope;

import static dev.fearless.testing.TaskAssertions.assertState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.scope.Task.State;
import dev.fearless.testing.ThreadKind;
import dev.fearless.testing.TrackingFactory;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Rule 1: fork a Callable or a Runnable on a new thread and get a handle with state, result, exception. */
@Timeout(30)
class TaskTest {

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aForkedCallableRunsOnANewThreadOfTheFactoryAndItsResultIsReadAfterJoin(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        try (var scope = Scope.builder().threadFactory(threads).open()) {
            Task<String> task = scope.fork(() -> {
                ranOn.set(Thread.currentThread());
                release.await();
                return "done";
            });
            assertState(State.RUNNING, task);
            IllegalStateException early = assertThrows(IllegalStateException.class, task::get);
            ThreadKind.assertNamesCurrentThread(early);
            assertTrue(early.getMessage().contains("join()"), "says how to fix it: " + early.getMessage());

            release.countDown();
            scope.join();
            assertState(State.SUCCEEDED, task);
            assertEquals("done", task.get());
        }
        assertEquals(1, threads.created());
        assertSame(threads.threads().getFirst(), ranOn.get());
        assertEquals(kind == ThreadKind.VIRTUAL, ranOn.get().isVirtual());
        assertTrue(ranOn.get() != Thread.currentThread());
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aForkedRunnableSucceedsWithNull(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        AtomicReference<Boolean> ran = new AtomicReference<>(false);
        try (var scope = Scope.builder().threadFactory(threads).open()) {
            Runnable work = () -> ran.set(true);
            Task<Object> task = scope.fork(work);
            scope.join();
            assertState(State.SUCCEEDED, task);
            assertNull(task.get());
        }
        assertTrue(ran.get());
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aFailedTaskExposesItsExceptionAndGetThrowsWithItAsCause(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        IOException failure = new IOException("disk on fire");
        try (var scope = Scope.builder().threadFactory(threads).policy(Policy.<String>awaitAll()).open()) {
            Task<String> task = scope.fork(() -> {
                throw failure;
            });
            scope.join();
            assertState(State.FAILED, task);
            assertSame(failure, task.exception());
            IllegalStateException e = assertThrows(IllegalStateException.class, task::get);
            assertSame(failure, e.getCause());
            assertTrue(e.getMessage().contains("exception()"), e.getMessage());
        }
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void exceptionOfATaskThatDidNotFailThrowsNamingTheCaller(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        try (var scope = Scope.builder().threadFactory(threads).open()) {
            Task<Integer> task = scope.fork(() -> 42);
            scope.join();
            IllegalStateException e = assertThrows(IllegalStateException.class, task::exception);
            assertTrue(e.getMessage().contains("did not fail"), e.getMessage());
            ThreadKind.assertNamesCurrentThread(e);
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aCancelledTaskHasNoResultAndGetThrowsCancellation(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        try (var scope = Scope.builder().threadFactory(threads).open()) {
            Task<Integer> task = scope.fork(() -> {
                new CountDownLatch(1).await();
                return 1;
            });
            task.cancel();
            assertState(State.CANCELLED, task);
            scope.join();
            assertState(State.CANCELLED, task);
            CancellationException e = assertThrows(CancellationException.class, task::get);
            assertTrue(e.getMessage().contains("cancelled"), e.getMessage());
            assertThrows(IllegalStateException.class, task::exception);
        }
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void taskCurrentIsTheRunningTaskInsideAndEmptyOutside(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        AtomicReference<Optional<Task<?>>> inside = new AtomicReference<>();
        try (var scope = Scope.builder().threadFactory(threads).open()) {
            Task<Object> task = scope.fork(() -> inside.set(Task.current()));
            scope.join();
            assertSame(task, inside.get().orElseThrow());
        }
        assertTrue(Task.current().isEmpty());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void tasksAreSuppliersAndDescribeThemselves(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        try (var scope = Scope.builder().name("describe").threadFactory(threads).open()) {
            List<Task<Integer>> tasks = List.of(scope.fork(() -> 1), scope.fork(() -> 2));
            scope.join();
            assertEquals(List.of(1, 2), tasks.stream().map(Task::get).toList());
            assertTrue(tasks.getFirst().toString().contains("SUCCEEDED"), tasks.getFirst().toString());
            assertTrue(tasks.getFirst().toString().contains("\"describe\""), tasks.getFirst().toString());
        }
    }

    @Test
    void nullWorkIsRejectedNamingTheArgument() {
        try (var scope = Scope.open()) {
            NullPointerException callable = assertThrows(NullPointerException.class,
                    () -> scope.fork((Callable<Object>) null));
            assertEquals("task", callable.getMessage());
            NullPointerException runnable = assertThrows(NullPointerException.class, () -> scope.fork((Runnable) null));
            assertEquals("task", runnable.getMessage());
            assertFalse(scope.isCancelled());
        } // nothing was forked, so closing without join() is fine
    }
}
