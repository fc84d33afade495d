package dev.fearless.bridge;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.testing.ThreadKind;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.MDC;

@Timeout(30)
class BridgeTest {

    private final CountDownLatch gate = new CountDownLatch(1);

    @AfterEach
    void releaseGateAndClearMdc() {
        gate.countDown();
        MDC.clear();
    }

    // ------------------------------------------------------------------ blocking -> async

    @Test
    void asyncRunsTheTaskOnItsOwnVirtualThreadWithTheCallersContext() throws Exception {
        MDC.put("request", "r-1");
        Thread caller = Thread.currentThread();
        CompletableFuture<String> future = Bridge.async(() -> {
            assertTrue(Thread.currentThread().isVirtual());
            assertFalse(Thread.currentThread() == caller);
            return MDC.get("request");
        });
        assertEquals("r-1", future.get());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void asyncWithAFactoryRunsTheTaskOnAThreadOfThatFactory(ThreadKind kind) throws Exception {
        dev.fearless.testing.TrackingFactory threads = kind.tracking();
        Thread ran = Bridge.async(Thread::currentThread, threads).get();
        assertEquals(List.of(ran), threads.threads());
        assertTrue(kind.isKindOf(ran));
        CountDownLatch never = new CountDownLatch(1);
        CompletableFuture<Object> blocked = Bridge.async(() -> never.await(1, TimeUnit.MINUTES), threads);
        await().until(() -> threads.created() == 2 && threads.threads().get(1).getState() == Thread.State.TIMED_WAITING);
        assertTrue(blocked.cancel(true));            // interrupts the factory's thread, which then ends
        await().until(() -> !threads.threads().get(1).isAlive());
        threads.assertNoneAlive();
        assertEquals("threadFactory", assertThrows(NullPointerException.class,
                () -> Bridge.async(() -> 1, null)).getMessage());
        TaskRejectedException refused = assertThrows(TaskRejectedException.class, () -> Bridge.async(() -> 1, r -> null));
        assertEquals(TaskRejectedException.Reason.NO_THREAD, refused.reason());
    }

    @Test
    void asyncCompletesWithTheTasksOwnException() {
        IOException thrown = new IOException("unreachable");
        CompletableFuture<Object> future = Bridge.async(() -> { throw thrown; });
        CompletionException joined = assertThrows(CompletionException.class, future::join);
        assertSame(thrown, joined.getCause());
        assertSame(thrown, future.exceptionNow());
    }

    @Test
    void cancellingAnAsyncFutureInterruptsItsThread() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        CompletableFuture<Object> future = Bridge.async(() -> {
            started.countDown();
            try {
                gate.await();
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return null;
        });
        started.await();
        future.cancel(true);
        interrupted.await();
    }

    // ------------------------------------------------------------------ async -> blocking: values

    @Test
    void awaitReturnsTheValue() throws Exception {
        assertEquals("v", Bridge.await(CompletableFuture.completedFuture("v")));
        assertEquals("v", Bridge.await(CompletableFuture.supplyAsync(() -> "v"), Duration.ofMinutes(1)));
        assertNull(Bridge.await(CompletableFuture.completedFuture(null)));
        assertEquals("v", Bridge.await(CompletableFuture.completedFuture("v").minimalCompletionStage()));
    }

    @Test
    void aCompletedStageIsReturnedEvenWhenTheCallerIsInterrupted() throws Exception {
        Thread.currentThread().interrupt();
        try {
            assertEquals("v", Bridge.await(CompletableFuture.completedFuture("v")));
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status is left for the caller");
        } finally {
            Thread.interrupted();
        }
    }

    // ------------------------------------------------------------------ async -> blocking: the unwrapping rule

    private static Throwable awaitFailure(Throwable failure) {
        CompletableFuture<Object> stage = CompletableFuture.failedFuture(failure);
        return assertThrows(Throwable.class, () -> Bridge.await(stage));
    }

    @Test
    void anUncheckedFailureIsThrownAsItIs() {
        IllegalStateException unchecked = new IllegalStateException("bad state");
        assertSame(unchecked, awaitFailure(unchecked));
    }

    @Test
    void anErrorIsThrownAsItIs() {
        AssertionError error = new AssertionError("broken invariant");
        assertSame(error, awaitFailure(error));
    }

    @Test
    void aCheckedFailureIsWrappedInStageFailedException() {
        IOException checked = new IOException("disk gone");
        StageFailedException e = assertInstanceOf(StageFailedException.class, awaitFailure(checked));
        assertSame(checked, e.getCause());
        assertInstanceOf(CompletionException.class, e, "catchable as the JDK's completion failure");
        assertEquals("awaited stage failed with java.io.IOException: disk gone", e.getMessage());
    }

    @Test
    void completionAndExecutionWrappersAreRemovedAtAnyDepth() {
        IllegalArgumentException root = new IllegalArgumentException("root");
        assertSame(root, awaitFailure(new CompletionException(root)));
        assertSame(root, awaitFailure(new ExecutionException(root)));
        assertSame(root, awaitFailure(new CompletionException(new ExecutionException(new CompletionException(root)))));

        IOException checked = new IOException("deep");
        StageFailedException e = assertInstanceOf(StageFailedException.class,
                awaitFailure(new CompletionException(new ExecutionException(checked))));
        assertSame(checked, e.getCause());
    }

    @Test
    void aWrapperWithoutCauseIsThrownAsItIs() {
        CompletionException bare = new CompletionException("no cause", null);
        assertSame(bare, awaitFailure(bare));
    }

    @Test
    void wrappingNeverNests() throws Exception {
        IOException checked = new IOException("inner");
        CompletableFuture<Object> inner = CompletableFuture.failedFuture(checked);
        CompletableFuture<Object> outer = Bridge.async(() -> Bridge.await(inner)); // fails with StageFailedException

        StageFailedException e = assertThrows(StageFailedException.class, () -> Bridge.await(outer));
        assertSame(checked, e.getCause(), "the wrapper from the inner await is unwrapped, not wrapped again");
    }

    @Test
    void aCancelledStageThrowsCancellationException() {
        CompletableFuture<Object> stage = new CompletableFuture<>();
        stage.cancel(false);
        assertThrows(CancellationException.class, () -> Bridge.await(stage));
        assertThrows(CancellationException.class, () -> Bridge.await(stage, Duration.ofSeconds(1)));
    }

    // ------------------------------------------------------------------ async -> blocking: cancellation

    /** Awaits {@code stage} on a thread of the given kind, interrupts it, and reports what await threw. */
    private static Throwable interruptWhileAwaiting(ThreadKind threads, CompletionStage<?> stage,
            BiConsumer<CompletionStage<?>, AtomicReference<Throwable>> awaiting) throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread waiter = threads.builder().start(() -> awaiting.accept(stage, thrown));
        await().until(() -> waiter.getState() == Thread.State.WAITING || waiter.getState() == Thread.State.TIMED_WAITING);
        waiter.interrupt();
        waiter.join();
        return thrown.get();
    }

    private static void awaitForever(CompletionStage<?> stage, AtomicReference<Throwable> thrown) {
        try {
            Bridge.await(stage);
        } catch (Throwable e) {
            thrown.set(e);
        }
    }

    private static void awaitAnHour(CompletionStage<?> stage, AtomicReference<Throwable> thrown) {
        try {
            Bridge.await(stage, Duration.ofHours(1));
        } catch (Throwable e) {
            thrown.set(e);
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void interruptingTheWaiterCancelsTheStage(ThreadKind threads) throws Exception {
        CompletableFuture<String> stage = new CompletableFuture<>();
        assertInstanceOf(InterruptedException.class, interruptWhileAwaiting(threads, stage, BridgeTest::awaitForever));
        assertTrue(stage.isCancelled());

        CompletableFuture<String> timed = new CompletableFuture<>();
        assertInstanceOf(InterruptedException.class, interruptWhileAwaiting(threads, timed, BridgeTest::awaitAnHour));
        assertTrue(timed.isCancelled());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void interruptingTheWaiterInterruptsTheBlockingTaskBehindTheStage(ThreadKind threads) throws Exception {
        CountDownLatch taskInterrupted = new CountDownLatch(1);
        try (VirtualExecutor executor = VirtualExecutor.builder().threadFactory(threads.factory()).build()) {
            CompletableFuture<Object> blocking = executor.submit(() -> {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    taskInterrupted.countDown();
                    throw e;
                }
                return null;
            });
            assertInstanceOf(InterruptedException.class, interruptWhileAwaiting(threads, blocking, BridgeTest::awaitForever));
            taskInterrupted.await(); // the cancel reached the task's own thread
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void passingTheTimeoutCancelsTheStage(ThreadKind threads) throws Exception {
        CompletableFuture<String> stage = new CompletableFuture<>();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        threads.builder().start(() -> {
            try {
                Bridge.await(stage, Duration.ofMillis(10));
            } catch (Throwable e) {
                thrown.set(e);
            }
        }).join();

        TimeoutException e = assertInstanceOf(TimeoutException.class, thrown.get());
        assertTrue(e.getMessage().endsWith(" did not complete within PT0.01S; it was cancelled"), e.getMessage());
        assertTrue(stage.isCancelled());
    }

    @Test
    void aMinimalStageIsAwaitedButCannotBeCancelledThroughIt() {
        CompletableFuture<String> source = new CompletableFuture<>();
        CompletionStage<String> minimal = source.minimalCompletionStage();
        TimeoutException e = assertThrows(TimeoutException.class, () -> Bridge.await(minimal, Duration.ofMillis(5)));
        assertTrue(e.getMessage().contains("it was not cancelled"), e.getMessage());
        assertFalse(source.isDone(), "a minimal stage hands out copies only");
    }

    @Test
    void aStageWithoutAFutureViewIsAwaitedThroughItsCallbacks() throws Exception {
        CompletableFuture<String> source = new CompletableFuture<>();
        CompletionStage<String> withoutView = opaque(source);
        Thread.ofVirtual().start(() -> source.complete("late"));
        assertEquals("late", Bridge.await(withoutView));

        IOException checked = new IOException("opaque failure");
        StageFailedException failed = assertThrows(StageFailedException.class,
                () -> Bridge.await(opaque(CompletableFuture.failedFuture(checked))));
        assertSame(checked, failed.getCause());

        TimeoutException timedOut = assertThrows(TimeoutException.class,
                () -> Bridge.await(opaque(new CompletableFuture<>()), Duration.ofMillis(5)));
        assertTrue(timedOut.getMessage().contains("it was not cancelled"), timedOut.getMessage());
    }

    @Test
    void awaitChecksItsArguments() {
        CompletableFuture<String> stage = new CompletableFuture<>();
        assertEquals("stage", assertThrows(NullPointerException.class, () -> Bridge.await(null)).getMessage());
        assertEquals("timeout", assertThrows(NullPointerException.class, () -> Bridge.await(stage, null)).getMessage());
        assertEquals("timeout must not be negative: PT-1S", assertThrows(IllegalArgumentException.class,
                () -> Bridge.await(stage, Duration.ofSeconds(-1))).getMessage());
        assertFalse(stage.isDone(), "bad arguments change nothing");
    }

    @Test
    void aZeroTimeoutDoesNotWait() throws Exception {
        assertEquals("done", Bridge.await(CompletableFuture.completedFuture("done"), Duration.ZERO));
        CompletableFuture<String> pending = new CompletableFuture<>();
        TimeoutException timedOut = assertThrows(TimeoutException.class, () -> Bridge.await(pending, Duration.ZERO));
        assertTrue(timedOut.getMessage().contains("within PT0S; it was cancelled"), timedOut.getMessage());
        assertTrue(pending.isCancelled(), "a stage not complete at once is cancelled, as after any timeout");
    }

    @Test
    void anEnormousTimeoutSaturates() throws Exception {
        assertEquals(1, Bridge.await(CompletableFuture.supplyAsync(() -> 1), Duration.ofSeconds(Long.MAX_VALUE)));
    }

    /** A stage that refuses toCompletableFuture(), as the interface allows; everything else delegates. */
    @SuppressWarnings("unchecked")
    private static <T> CompletionStage<T> opaque(CompletableFuture<T> delegate) {
        return (CompletionStage<T>) Proxy.newProxyInstance(CompletionStage.class.getClassLoader(),
                new Class<?>[] {CompletionStage.class}, (proxy, method, args) -> {
                    if (method.getName().equals("toCompletableFuture")) {
                        throw new UnsupportedOperationException("opaque");
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
