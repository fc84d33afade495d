package dev.fearless.bridge;

import static dev.fearless.bridge.VirtualExecutorTest.occupy;
import static dev.fearless.testing.ThreadKind.awaitUninterruptibly;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.testing.ThreadKind;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(30)
class ShutdownTest {

    private final CountDownLatch gate = new CountDownLatch(1);

    @AfterEach
    void releaseGate() {
        gate.countDown();
    }

    private static VirtualExecutor enqueueing(ThreadKind threads, int limit) {
        return VirtualExecutor.builder().name("jobs").threadFactory(threads.factory())
                .limit(limit, LimitPolicy.enqueue()).build();
    }

    private static Thread closer(VirtualExecutor executor) {
        return Thread.ofPlatform().daemon().name("closer").start(executor::close);
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void closeWaitsForRunningTasks(ThreadKind threads) throws Exception {
        AtomicBoolean finished = new AtomicBoolean();
        VirtualExecutor executor = VirtualExecutor.builder().threadFactory(threads.factory()).build();
        executor.execute(() -> {
            awaitUninterruptibly(gate);
            finished.set(true);
        });
        Thread closer = closer(executor);
        await().until(executor::isShutdown);
        await().until(() -> closer.getState() == Thread.State.TIMED_WAITING || closer.getState() == Thread.State.WAITING);
        assertFalse(executor.isTerminated());
        assertFalse(executor.awaitTermination(1, TimeUnit.MILLISECONDS));

        gate.countDown();
        closer.join();
        assertTrue(finished.get());
        assertTrue(executor.isTerminated());
        assertTrue(executor.awaitTermination(0, TimeUnit.SECONDS));
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void closeRunsEveryAcceptedTaskIncludingThoseStillWaitingForAPermit(ThreadKind threads) {
        AtomicInteger ran = new AtomicInteger();
        VirtualExecutor executor = enqueueing(threads, 1);
        occupy(executor, gate);
        for (int i = 0; i < 3; i++) {
            executor.execute(ran::incrementAndGet);
        }
        await().until(() -> executor.waiting() == 3);
        Thread.ofPlatform().daemon().start(() -> {
            await().until(executor::isShutdown);
            gate.countDown();
        });
        executor.close();

        assertEquals(3, ran.get(), "nothing accepted is dropped");
        assertEquals(4, executor.submitted());
        assertEquals(4, executor.completed());
        assertTrue(executor.isTerminated());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void afterShutdownNewTasksAreRefused(ThreadKind threads) {
        VirtualExecutor executor = VirtualExecutor.builder().name("jobs").threadFactory(threads.factory()).build();
        assertFalse(executor.isTerminated(), "an idle executor is not terminated until shut down");
        executor.shutdown();
        assertTrue(executor.isShutdown());
        assertTrue(executor.isTerminated(), "nothing to wait for");

        TaskRejectedException e = assertThrows(TaskRejectedException.class, () -> executor.execute(() -> { }));
        assertEquals(TaskRejectedException.Reason.SHUT_DOWN, e.reason());
        assertTrue(e.getMessage().startsWith("Executor 'jobs' rejected a task submitted by thread \""), e.getMessage());
        assertTrue(e.getMessage().endsWith(": the executor is shut down. Submit tasks before shutdown() or close()."),
                e.getMessage());
        assertThrows(TaskRejectedException.class, () -> executor.submit(() -> 1));
        assertThrows(TaskRejectedException.class, () -> executor.schedule(() -> 1, 1, TimeUnit.SECONDS));
        assertEquals(3, executor.rejected());
        assertEquals(0, executor.submitted());
        executor.close(); // idempotent
        executor.shutdown();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void shutdownNowInterruptsRunningTasksAndReturnsThoseThatNeverStarted(ThreadKind threads) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        VirtualExecutor executor = enqueueing(threads, 1);
        CompletableFuture<Object> running = executor.submit(() -> {
            started.countDown();
            gate.await(); // throws InterruptedException on shutdownNow
            return "not reached";
        });
        started.await();
        Runnable first = ran::incrementAndGet;
        Runnable second = ran::incrementAndGet;
        Callable<String> third = () -> "never";
        executor.execute(first);
        executor.execute(second);
        CompletableFuture<String> thirdFuture = executor.submit(third);
        await().until(() -> executor.waiting() == 3);

        List<Runnable> neverStarted = executor.shutdownNow();

        assertEquals(3, neverStarted.size());
        assertTrue(neverStarted.contains(first));
        assertTrue(neverStarted.contains(second));
        assertTrue(thirdFuture.isCancelled(), "nobody waits forever on a withdrawn task");
        assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
        assertInstanceOf(InterruptedException.class, running.exceptionNow());
        assertEquals(0, ran.get());
        assertEquals(4, executor.submitted());
        assertEquals(0, executor.completed());
        assertEquals(4, executor.failed(), "one interrupted task and three withdrawn ones");
        assertEquals(1, executor.availablePermits());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aCloseInterruptedWhileWaitingBecomesShutdownNowAndKeepsTheInterruptStatus(ThreadKind threads) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch taskInterrupted = new CountDownLatch(1);
        AtomicBoolean closerInterrupted = new AtomicBoolean();
        VirtualExecutor executor = VirtualExecutor.builder().threadFactory(threads.factory()).build();
        executor.execute(() -> {
            started.countDown();
            try {
                gate.await();
            } catch (InterruptedException e) {
                taskInterrupted.countDown();
            }
        });
        started.await();
        Thread closer = Thread.ofPlatform().daemon().start(() -> {
            executor.close();
            closerInterrupted.set(Thread.currentThread().isInterrupted());
        });
        await().until(executor::isShutdown);
        closer.interrupt();
        closer.join();

        assertTrue(taskInterrupted.await(0, TimeUnit.SECONDS));
        assertTrue(closerInterrupted.get());
        assertTrue(executor.isTerminated());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aTaskThatWasCancelledAndThenListedIsListedOnce(ThreadKind threads) throws Exception {
        VirtualExecutor executor = enqueueing(threads, 1);
        occupy(executor, gate);
        CompletableFuture<?> cancelled = executor.submit(() -> { });
        Runnable listed = () -> { };
        executor.execute(listed);
        await().until(() -> executor.waiting() == 2);
        cancelled.cancel(false);

        List<Runnable> neverStarted = executor.shutdownNow();
        assertSame(listed, neverStarted.getFirst());
        assertEquals(1, neverStarted.size(), "a task withdrawn by its cancel is not listed again");
        gate.countDown();
        assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(executor.submitted(), executor.completed() + executor.failed());
    }

    /**
     * The interleaving Lincheck rarely schedules: a task is accepted, shutdownNow walks the waiting
     * tasks before the task registers as one, then the task waits for the permit. It was accepted
     * and not listed, so it must still run (with its interrupt status set) instead of being lost.
     */
    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aTaskThatStartsWaitingAfterShutdownNowRunsInterruptedInsteadOfBeingLost(ThreadKind threads) throws Exception {
        AtomicBoolean holdBackNewThreads = new AtomicBoolean();
        CountDownLatch heldBack = new CountDownLatch(1);
        CountDownLatch mayEnter = new CountDownLatch(1);
        ThreadFactory factory = runnable -> {
            boolean hold = holdBackNewThreads.get();
            return threads.builder().unstarted(() -> {
                if (hold) { // started, but not yet inside the executor's code
                    heldBack.countDown();
                    awaitUninterruptibly(mayEnter); // keeps shutdownNow's interrupt for the task
                }
                runnable.run();
            });
        };
        AtomicInteger ran = new AtomicInteger();
        AtomicBoolean ranInterrupted = new AtomicBoolean();
        VirtualExecutor executor = VirtualExecutor.builder().threadFactory(factory)
                .limit(1, LimitPolicy.enqueue()).build();
        occupy(executor, gate); // holds the only permit, ignoring interrupts, until the gate opens
        holdBackNewThreads.set(true);
        executor.execute(() -> {
            ran.incrementAndGet();
            ranInterrupted.set(Thread.currentThread().isInterrupted());
        });
        heldBack.await();

        List<Runnable> neverStarted = executor.shutdownNow();
        assertTrue(neverStarted.isEmpty(), "the task had not registered as waiting: shutdownNow cannot list it");
        mayEnter.countDown();
        await().until(() -> executor.waiting() == 1); // interrupted, yet waiting for the permit
        gate.countDown();
        assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));

        assertEquals(1, ran.get(), "accepted and not listed, so it ran");
        assertTrue(ranInterrupted.get(), "it ran as shutdownNow left it: interrupted");
        assertEquals(2, executor.completed());
        assertEquals(0, executor.failed());
    }
}
