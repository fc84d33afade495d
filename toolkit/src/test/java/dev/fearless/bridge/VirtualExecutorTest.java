package dev.fearless.bridge;

import static dev.fearless.testing.ThreadKind.awaitUninterruptibly;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.context.ContextPropagation;
import dev.fearless.context.ContextPropagator;
import dev.fearless.telemetry.Telemetry;
import dev.fearless.testing.ThreadKind;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.MDC;

@Timeout(30)
class VirtualExecutorTest {

    private static final ScopedValue<String> USER = ScopedValue.newInstance();

    private final CountDownLatch gate = new CountDownLatch(1);

    @AfterEach
    void releaseGateAndClearMdc() {
        gate.countDown();
        MDC.clear();
    }

    private static VirtualExecutor executor(ThreadKind threads) {
        return VirtualExecutor.builder().name("test").threadFactory(threads.factory()).build();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void executeRunsEachTaskOnItsOwnThreadFromTheFactory(ThreadKind threads) {
        List<Thread> ran = new CopyOnWriteArrayList<>();
        try (VirtualExecutor executor = executor(threads)) {
            for (int i = 0; i < 3; i++) {
                executor.execute(() -> ran.add(Thread.currentThread()));
            }
        }
        assertEquals(3, ran.size());
        assertEquals(3, ran.stream().distinct().count(), "one thread per task, never pooled");
        assertTrue(ran.stream().allMatch(threads::isKindOf));
    }

    @Test
    void defaultThreadsAreVirtualAndNamedAfterTheExecutor() throws Exception {
        try (VirtualExecutor executor = VirtualExecutor.builder().name("reports").build()) {
            Thread thread = executor.submit(Thread::currentThread).get();
            assertTrue(thread.isVirtual());
            assertEquals("reports", thread.getName());
        }
        try (VirtualExecutor unnamed = VirtualExecutor.builder().build()) {
            assertEquals(Telemetry.DEFAULT_NAME, unnamed.name());
            assertEquals("", unnamed.submit(() -> Thread.currentThread().getName()).get(), "unnamed threads are cheapest");
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void submitCompletesWithTheTasksResult(ThreadKind threads) {
        try (VirtualExecutor executor = executor(threads)) {
            assertEquals(42, executor.submit(() -> 42).join());
            assertNull(executor.submit(() -> { }).join());
            assertEquals("done", executor.submit(() -> { }, "done").join());
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void submitCompletesWithTheTasksOwnExceptionNotWrapped(ThreadKind threads) {
        IllegalStateException thrown = new IllegalStateException("task failed");
        Exception checked = new java.io.IOException("disk gone");
        VirtualExecutor executor = executor(threads);
        try (executor) {
            CompletableFuture<Object> failing = executor.submit(() -> { throw thrown; });
            CompletableFuture<Object> failingChecked = executor.submit(() -> { throw checked; });
            AtomicReference<Throwable> seen = new AtomicReference<>();
            failing.whenComplete((value, failure) -> seen.set(failure)).exceptionally(f -> null).join();
            failingChecked.exceptionally(f -> null).join();

            assertSame(thrown, seen.get(), "dependents see the task's own exception");
            assertSame(thrown, failing.exceptionNow());
            assertSame(checked, failingChecked.exceptionNow());
            assertEquals(Future.State.FAILED, failing.state());
        }
        assertEquals(0, executor.completed());
        assertEquals(2, executor.failed());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void cancelTrueInterruptsTheRunningTask(ThreadKind threads) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        VirtualExecutor executor = executor(threads);
        try (executor) {
            CompletableFuture<Object> future = executor.submit(() -> {
                started.countDown();
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw e;
                }
                return "not reached";
            });
            started.await();
            assertTrue(future.cancel(true));

            interrupted.await(); // the JDK's CompletableFuture never interrupts
            assertTrue(future.isCancelled());
            assertEquals(Future.State.CANCELLED, future.state());
        }
        assertEquals(1, executor.failed(), "a cancelled task counts as failed");
        assertEquals(0, executor.completed());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void cancelFalseLetsTheTaskFinishButTheFutureStaysCancelled(ThreadKind threads) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        VirtualExecutor executor = executor(threads);
        CompletableFuture<String> future;
        try (executor) {
            future = executor.submit(() -> {
                started.countDown();
                gate.await();
                finished.set(true);
                return "dropped";
            });
            started.await();
            assertTrue(future.cancel(false));
            gate.countDown();
        }
        assertTrue(finished.get(), "cancel(false) does not interrupt");
        assertTrue(future.isCancelled());
        assertEquals(1, executor.failed());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aTaskCancelledBeforeItStartsNeverRuns(ThreadKind threads) throws Exception {
        AtomicBoolean ran = new AtomicBoolean();
        VirtualExecutor executor = VirtualExecutor.builder().threadFactory(threads.factory())
                .limit(1, LimitPolicy.enqueue()).build();
        try (executor) {
            occupy(executor, gate);
            CompletableFuture<?> waiting = executor.submit(() -> ran.set(true));
            await().until(() -> executor.waiting() == 1);

            assertTrue(waiting.cancel(true));
            await().until(() -> executor.waiting() == 0); // its thread woke and left the queue
            gate.countDown();
        }
        assertFalse(ran.get());
        assertEquals(1, executor.completed());
        assertEquals(1, executor.failed());
        assertEquals(1, executor.availablePermits(), "the withdrawn task gave back nothing it did not hold");
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void cancellingADependentStageDoesNotReachTheTask(ThreadKind threads) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        try (VirtualExecutor executor = executor(threads)) {
            CompletableFuture<String> future = executor.submit(() -> {
                started.countDown();
                gate.await();
                return "ok";
            });
            CompletableFuture<Integer> dependent = future.thenApply(String::length);
            started.await();
            assertTrue(dependent.cancel(true));
            gate.countDown();
            assertEquals("ok", future.join());
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void theSubmittersContextFlowsIntoTheTaskAndNotBack(ThreadKind threads) throws Exception {
        ContextPropagation propagation = ContextPropagation.defaults().with(ContextPropagator.scopedValues(USER));
        try (VirtualExecutor executor = VirtualExecutor.builder().threadFactory(threads.factory())
                .context(propagation).build()) {
            MDC.put("request", "r-7");
            CompletableFuture<String> seen = ScopedValue.where(USER, "ada").call(() -> executor.submit(() -> {
                MDC.put("inside", "x");
                return USER.get() + "/" + MDC.get("request");
            }));
            assertEquals("ada/r-7", seen.get());
            assertNull(MDC.get("inside"), "the task's MDC changes stay in the task");

            MDC.clear();
            assertEquals("unbound/null", executor.submit(() -> (USER.isBound() ? USER.get() : "unbound")
                    + "/" + MDC.get("request")).get(), "nothing leaks from one task into the next");
        }
    }

    @Test
    void noContextPropagationCarriesNothing() throws Exception {
        try (VirtualExecutor executor = VirtualExecutor.builder().context(ContextPropagation.none()).build()) {
            MDC.put("request", "r-8");
            assertNull(executor.submit(() -> MDC.get("request")).get());
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void anExecutedTasksExceptionReachesTheUncaughtHandlerBeforeCloseReturns(ThreadKind threads) {
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        IllegalStateException thrown = new IllegalStateException("lost?");
        VirtualExecutor executor = VirtualExecutor.builder()
                .threadFactory(threads.builder().uncaughtExceptionHandler((t, e) -> uncaught.add(e)).factory())
                .build();
        try (executor) {
            executor.execute(() -> { throw thrown; });
        }
        assertEquals(List.of(thrown), uncaught);
        assertEquals(1, executor.failed());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void invokeAllAndInvokeAnyWork(ThreadKind threads) throws Exception {
        try (VirtualExecutor executor = VirtualExecutor.builder().threadFactory(threads.factory())
                .limit(2, LimitPolicy.enqueue()).build()) {
            List<java.util.concurrent.Callable<Integer>> tasks = List.of(() -> 1, () -> 2, () -> 3);
            assertEquals(List.of(1, 2, 3), executor.invokeAll(tasks).stream().map(Future::resultNow).toList());
            assertTrue(List.of(1, 2, 3).contains(executor.invokeAny(tasks)));

            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch interrupted = new CountDownLatch(1);
            List<Future<Object>> timedOut = executor.invokeAll(List.of(() -> {
                started.countDown();
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    interrupted.countDown();
                }
                return null;
            }), 10, java.util.concurrent.TimeUnit.MILLISECONDS);
            assertTrue(timedOut.getFirst().isCancelled());
            if (started.getCount() == 0) { // cancelled before it started, it never runs
                interrupted.await(); // cancelled while running, it was interrupted
            }
        }
    }

    @Test
    void aThreadFactoryThatReturnsNullRefusesTheTask() {
        try (VirtualExecutor executor = VirtualExecutor.builder().name("broken").threadFactory(r -> null).build()) {
            TaskRejectedException e = assertThrows(TaskRejectedException.class, () -> executor.execute(() -> { }));
            assertEquals(TaskRejectedException.Reason.NO_THREAD, e.reason());
            assertTrue(e.getMessage().contains("returned null"), e.getMessage());
            assertEquals(0, executor.submitted());
            assertEquals(1, executor.rejected());
        }
    }

    @Test
    void aThreadFactoryThatThrowsRefusesTheTaskWithItsFailureAsCause() {
        IllegalStateException broken = new IllegalStateException("no threads today");
        try (VirtualExecutor executor = VirtualExecutor.builder().threadFactory(r -> { throw broken; }).build()) {
            TaskRejectedException e = assertThrows(TaskRejectedException.class, () -> executor.submit(() -> 1));
            assertEquals(TaskRejectedException.Reason.NO_THREAD, e.reason());
            assertSame(broken, e.getCause());
        }
    }

    @Test
    void nullArgumentsAreRejectedWithTheirName() {
        try (VirtualExecutor executor = VirtualExecutor.builder().build()) {
            assertEquals("command", assertThrows(NullPointerException.class, () -> executor.execute(null)).getMessage());
            assertEquals("task", assertThrows(NullPointerException.class,
                    () -> executor.submit((java.util.concurrent.Callable<?>) null)).getMessage());
            assertEquals("task", assertThrows(NullPointerException.class,
                    () -> executor.submit((Runnable) null)).getMessage());
        }
    }

    @Test
    void builderChecksItsArguments() {
        VirtualExecutor.Builder builder = VirtualExecutor.builder();
        assertEquals("name", assertThrows(NullPointerException.class, () -> builder.name(null)).getMessage());
        assertEquals("name must not be blank: \" \"",
                assertThrows(IllegalArgumentException.class, () -> builder.name(" ")).getMessage());
        assertEquals("maxConcurrent must be positive: 0",
                assertThrows(IllegalArgumentException.class, () -> builder.limit(0, LimitPolicy.block())).getMessage());
        assertEquals("policy", assertThrows(NullPointerException.class, () -> builder.limit(1, null)).getMessage());
        assertEquals("threadFactory", assertThrows(NullPointerException.class, () -> builder.threadFactory(null)).getMessage());
        assertEquals("context", assertThrows(NullPointerException.class,
                () -> builder.context(null)).getMessage());
    }

    @Test
    void describesItself() {
        try (VirtualExecutor executor = VirtualExecutor.builder().name("mail").limit(4, LimitPolicy.reject()).build()) {
            assertEquals("VirtualExecutor[mail, running, limit 4 LimitPolicy.reject(), running 0, waiting 0,"
                    + " submitted 0, completed 0, failed 0, rejected 0]", executor.toString());
            assertEquals(4, executor.limit());
            assertEquals(LimitPolicy.reject(), executor.policy());
        }
        try (VirtualExecutor unlimited = VirtualExecutor.builder().build()) {
            assertEquals(Integer.MAX_VALUE, unlimited.limit());
            assertNull(unlimited.policy());
        }
    }

    /**
     * Runs a task that holds one permit until {@code gate} opens, and returns once it runs (under
     * enqueue() a task submitted later could otherwise win the permit first).
     */
    static void occupy(VirtualExecutor executor, CountDownLatch gate) {
        CountDownLatch running = new CountDownLatch(1);
        executor.execute(() -> {
            running.countDown();
            awaitUninterruptibly(gate);
        });
        awaitUninterruptibly(running);
    }
}
