package dev.fearless.bridge;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.scope.Scope;
import dev.fearless.scope.ScopeCancelledException;
import dev.fearless.scope.ScopeFailedException;
import dev.fearless.scope.ScopeTimeoutException;
import dev.fearless.scope.Task;
import dev.fearless.testing.ThreadKind;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Point 6 of the bridge: a stage-returning call forked in a scope is cancelled with its task. */
@Timeout(30)
class AwaitingTest {

    private final CountDownLatch gate = new CountDownLatch(1);

    @AfterEach
    void releaseGate() {
        gate.countDown();
    }

    /** An operation that hands out one pending future and says when it has been called. */
    private static final class Pending implements java.util.function.Supplier<CompletableFuture<String>> {
        final CompletableFuture<String> stage = new CompletableFuture<>();
        final CountDownLatch called = new CountDownLatch(1);
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public CompletableFuture<String> get() {
            calls.incrementAndGet();
            called.countDown();
            return stage;
        }
    }

    private static Scope<Object, ?> open(ThreadKind threads) {
        return Scope.builder().threadFactory(threads.factory()).open();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void cancellingTheScopeCancelsTheStage(ThreadKind threads) throws Exception {
        Pending operation = new Pending();
        try (var scope = open(threads)) {
            Task<String> task = scope.fork(Bridge.awaiting(operation));
            operation.called.await();
            scope.cancel();
            await().until(operation.stage::isCancelled);
            assertThrows(ScopeCancelledException.class, scope::join);
            assertEquals(Task.State.CANCELLED, task.state());
        }
        assertEquals(1, operation.calls.get());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void cancellingTheTaskCancelsTheStage(ThreadKind threads) throws Exception {
        Pending operation = new Pending();
        try (var scope = open(threads)) {
            Task<String> task = scope.fork(Bridge.awaiting(operation));
            Task<String> sibling = scope.fork(() -> "kept");
            operation.called.await();
            task.cancel();
            await().until(operation.stage::isCancelled);
            scope.join();
            assertEquals("kept", sibling.get());
            assertEquals(Task.State.CANCELLED, task.state());
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aSiblingsFailureCancelsTheStage(ThreadKind threads) throws Exception {
        Pending operation = new Pending();
        IllegalStateException boom = new IllegalStateException("sibling failed");
        try (var scope = open(threads)) {
            scope.fork(Bridge.awaiting(operation));
            scope.fork(() -> {
                operation.called.await();
                throw boom;
            });
            ScopeFailedException failed = assertThrows(ScopeFailedException.class, scope::join);
            assertSame(boom, failed.getCause());
        }
        assertTrue(operation.stage.isCancelled());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void theDeadlineCancelsTheStage(ThreadKind threads) throws Exception {
        // On a loaded machine the deadline may pass before the task has even called the operation,
        // leaving nothing to cancel: widen the deadline until the call came first, then check.
        for (long millis = 50; ; millis *= 2) {
            Pending operation = new Pending();
            try (var scope = Scope.builder().threadFactory(threads.factory()).timeout(Duration.ofMillis(millis)).open()) {
                scope.fork(Bridge.awaiting(operation));
                assertThrows(ScopeTimeoutException.class, scope::join);
            }
            if (operation.calls.get() > 0) {
                assertTrue(operation.stage.isCancelled(), "the deadline passed after the call began");
                return;
            }
            assertTrue(millis < 60_000, "the task never started within a minute");
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void closingWithoutJoinCancelsTheStage(ThreadKind threads) throws Exception {
        Pending operation = new Pending();
        var scope = open(threads);
        try {
            scope.fork(Bridge.awaiting(operation));
            operation.called.await();
        } finally {
            assertThrows(IllegalStateException.class, scope::close); // close() reports the skipped join
        }
        assertTrue(operation.stage.isCancelled());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aSuccessfulStageIsTheTasksValue(ThreadKind threads) throws Exception {
        Pending operation = new Pending();
        try (var scope = open(threads)) {
            Task<String> task = scope.fork(Bridge.awaiting(operation));
            operation.called.await();
            operation.stage.complete("value");
            scope.join();
            assertEquals("value", task.get());
        }
        assertEquals(1, operation.calls.get());
    }

    @Test
    void aCheckedFailureOfTheStageIsTheScopesCauseAsItIs() throws Exception {
        IOException io = new IOException("connection reset");
        try (var scope = Scope.open()) {
            scope.fork(Bridge.awaiting(() -> CompletableFuture.failedFuture(io)));
            ScopeFailedException failed = assertThrows(ScopeFailedException.class, scope::join);
            assertSame(io, failed.getCause());
        }
    }

    @Test
    void anUncheckedFailureIsUnwrappedFromCompletionExceptions() throws Exception {
        IllegalArgumentException bad = new IllegalArgumentException("bad id");
        try (var scope = Scope.open()) {
            scope.fork(Bridge.awaiting(() -> CompletableFuture.failedFuture(new CompletionException(bad))));
            ScopeFailedException failed = assertThrows(ScopeFailedException.class, scope::join);
            assertSame(bad, failed.getCause());
        }
    }

    @Test
    void aStageCancelledBySomeoneElseFailsTheTaskWithCancellation() throws Exception {
        CompletableFuture<String> stage = new CompletableFuture<>();
        stage.cancel(false);
        try (var scope = Scope.open()) {
            scope.fork(Bridge.awaiting(() -> stage));
            ScopeFailedException failed = assertThrows(ScopeFailedException.class, scope::join);
            assertInstanceOf(CancellationException.class, failed.getCause());
        }
    }

    @Test
    void aNullStageFailsTheTask() throws Exception {
        try (var scope = Scope.open()) {
            scope.fork(Bridge.awaiting(() -> null));
            ScopeFailedException failed = assertThrows(ScopeFailedException.class, scope::join);
            assertInstanceOf(NullPointerException.class, failed.getCause());
        }
    }

    @Test
    void aNullOperationIsRejectedAtOnce() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> Bridge.awaiting(null));
        assertTrue(e.getMessage().contains("operation"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void cancellingTheScopeInterruptsAnAsyncTaskBehindTheStage(ThreadKind threads) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        try (VirtualExecutor executor = VirtualExecutor.builder().threadFactory(threads.factory()).build();
                var scope = open(threads)) {
            scope.fork(Bridge.awaiting(() -> executor.submit(() -> {
                started.countDown();
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    interrupted.countDown();
                }
                return "late";
            })));
            started.await();
            scope.cancel();
            interrupted.await();
            assertThrows(ScopeCancelledException.class, scope::join);
        }
    }

    @Test
    void outsideAScopeInterruptingTheCallerCancelsTheStage() throws Exception {
        Pending operation = new Pending();
        Callable<String> task = Bridge.awaiting(operation);
        Thread thread = Thread.ofVirtual().start(() -> {
            assertThrows(InterruptedException.class, task::call);
        });
        operation.called.await();
        thread.interrupt();
        thread.join();
        assertTrue(operation.stage.isCancelled());
    }

    record User(String name) {}

    record Page(User user, List<String> orders) {}

    /** The README's example, with a CompletableFuture API and a blocking call standing in. */
    @Test
    void theReadmeExampleCompilesAndCancelsTheCallWhenTheSiblingFails() throws Exception {
        CompletableFuture<User> fetch = new CompletableFuture<>();
        CountDownLatch called = new CountDownLatch(1);
        java.util.function.Function<String, CompletableFuture<User>> users = id -> {
            called.countDown();
            return fetch;
        };
        Callable<List<String>> ordersOf = () -> {
            called.await(); // fail only once the call is under way, else there is nothing to cancel
            throw new IllegalStateException("order database unavailable");
        };
        ScopeFailedException failed = assertThrows(ScopeFailedException.class, () -> page("u-1", users, ordersOf));
        assertEquals("order database unavailable", failed.getCause().getMessage());
        assertTrue(fetch.isCancelled());
    }

    private static Page page(String id, java.util.function.Function<String, CompletableFuture<User>> users,
            Callable<List<String>> ordersOf) throws InterruptedException {
        try (var scope = Scope.open()) {
            Task<User> user = scope.fork(Bridge.awaiting(() -> users.apply(id)));   // a CompletableFuture API
            Task<List<String>> orders = scope.fork(ordersOf);                      // blocking code
            scope.join();                  // if ordersOf fails, the future is cancelled
            return new Page(user.get(), orders.get());
        }
    }
}
