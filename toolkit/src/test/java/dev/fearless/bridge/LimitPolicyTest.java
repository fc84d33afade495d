package dev.fearless.bridge;

import static dev.fearless.bridge.VirtualExecutorTest.occupy;
import static dev.fearless.testing.ThreadKind.awaitUninterruptibly;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.testing.ThreadKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(60)
class LimitPolicyTest {

    private final CountDownLatch gate = new CountDownLatch(1);

    @AfterEach
    void releaseGate() {
        gate.countDown();
    }

    private static VirtualExecutor limited(ThreadKind threads, int limit, LimitPolicy policy) {
        return VirtualExecutor.builder().name("payments").threadFactory(threads.factory()).limit(limit, policy).build();
    }

    /** Starts a thread that submits {@code task}; the thread records what execute threw. */
    private static Thread submitter(VirtualExecutor executor, Runnable task, AtomicReference<Throwable> thrown) {
        return Thread.ofPlatform().daemon().name("submitter").start(() -> {
            try {
                executor.execute(task);
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
    }

    private static void awaitBlocked(Thread thread) {
        await().until(() -> thread.getState() == Thread.State.WAITING || thread.getState() == Thread.State.TIMED_WAITING);
    }

    // ------------------------------------------------------------------ reject

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void rejectRefusesAtOnceWhenEveryPermitIsInUse(ThreadKind threads) {
        AtomicInteger ran = new AtomicInteger();
        VirtualExecutor executor = limited(threads, 1, LimitPolicy.reject());
        try (executor) {
            executor.execute(() -> awaitUninterruptibly(gate));
            TaskRejectedException e = assertThrows(TaskRejectedException.class, () -> executor.execute(ran::incrementAndGet));

            assertEquals(TaskRejectedException.Reason.LIMIT_REACHED, e.reason());
            assertEquals("payments", e.executorName());
            assertEquals(1, e.limit());
            assertEquals(LimitPolicy.reject(), e.policy());
            assertEquals("Executor 'payments' rejected a task submitted by " + dev.fearless.internal.Threads.current()
                    + ": all 1 permits are in use and its limit policy is"
                    + " LimitPolicy.reject(). Raise the limit, retry later, or choose LimitPolicy.block(),"
                    + " blockAtMost(timeout) or enqueue() to wait instead.", e.getMessage());
            gate.countDown();
        }
        assertEquals(0, ran.get());
        assertEquals(1, executor.submitted());
        assertEquals(1, executor.rejected());
        assertEquals(1, executor.completed());
    }

    // ------------------------------------------------------------------ block

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void blockBlocksTheSubmitterUntilAPermitFrees(ThreadKind threads) throws Exception {
        AtomicInteger ran = new AtomicInteger();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        VirtualExecutor executor = limited(threads, 1, LimitPolicy.block());
        try (executor) {
            executor.execute(() -> awaitUninterruptibly(gate));
            Thread submitter = submitter(executor, ran::incrementAndGet, thrown);
            awaitBlocked(submitter);
            assertEquals(1, executor.waiting(), "a blocked submitter is visible, not silent");
            assertEquals(0, ran.get());

            gate.countDown();
            submitter.join();
        }
        assertEquals(null, thrown.get());
        assertEquals(1, ran.get());
        assertEquals(2, executor.completed());
        assertEquals(0, executor.waiting());
        assertTrue(executor.permitWaitNanos() > 0);
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void anInterruptedBlockedSubmitterIsRefusedAndKeepsItsInterruptStatus(ThreadKind threads) throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        VirtualExecutor executor = limited(threads, 1, LimitPolicy.block());
        try (executor) {
            executor.execute(() -> awaitUninterruptibly(gate));
            Thread submitter = Thread.ofPlatform().daemon().name("impatient").start(() -> {
                try {
                    executor.execute(() -> { });
                } catch (TaskRejectedException e) {
                    thrown.set(e);
                    stillInterrupted.set(Thread.currentThread().isInterrupted());
                }
            });
            awaitBlocked(submitter);
            submitter.interrupt();
            submitter.join();
            gate.countDown();
        }
        TaskRejectedException e = (TaskRejectedException) thrown.get();
        assertEquals(TaskRejectedException.Reason.INTERRUPTED, e.reason());
        assertTrue(e.getMessage().contains("thread \"impatient\""), e.getMessage());
        assertTrue(e.getMessage().contains("interrupted while waiting for a permit (limit 1, LimitPolicy.block())"),
                e.getMessage());
        assertTrue(stillInterrupted.get());
        assertEquals(1, executor.rejected());
        assertEquals(1, executor.submitted());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aSubmitterBlockedWhenTheExecutorShutsDownIsRefusedOnceAPermitFrees(ThreadKind threads) throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        VirtualExecutor executor = limited(threads, 1, LimitPolicy.block());
        executor.execute(() -> awaitUninterruptibly(gate));
        Thread submitter = submitter(executor, () -> { }, thrown);
        awaitBlocked(submitter);

        executor.shutdown();
        gate.countDown();
        submitter.join();
        executor.close();

        assertEquals(TaskRejectedException.Reason.SHUT_DOWN, ((TaskRejectedException) thrown.get()).reason());
        assertEquals(1, executor.submitted());
        assertEquals(1, executor.availablePermits(), "the refused submitter gave its permit back");
    }

    // ------------------------------------------------------------------ blockAtMost

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void blockAtMostZeroDoesNotWait(ThreadKind threads) throws Exception {
        VirtualExecutor executor = limited(threads, 1, LimitPolicy.blockAtMost(Duration.ZERO));
        try (executor) {
            assertEquals(1, executor.submit(() -> 1).get(), "a free permit is taken");
            await().until(() -> executor.availablePermits() == 1); // given back just after the future completes
            executor.execute(() -> awaitUninterruptibly(gate));
            TaskRejectedException e = assertThrows(TaskRejectedException.class, () -> executor.execute(() -> { }));
            assertEquals(TaskRejectedException.Reason.TIMED_OUT, e.reason());
            gate.countDown();
        }
        assertEquals(1, executor.rejected());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void blockAtMostRefusesWhenNoPermitFreesInTime(ThreadKind threads) {
        VirtualExecutor executor = limited(threads, 1, LimitPolicy.blockAtMost(Duration.ofMillis(10)));
        try (executor) {
            executor.execute(() -> awaitUninterruptibly(gate));
            TaskRejectedException e = assertThrows(TaskRejectedException.class, () -> executor.execute(() -> { }));

            assertEquals(TaskRejectedException.Reason.TIMED_OUT, e.reason());
            assertEquals(LimitPolicy.blockAtMost(Duration.ofMillis(10)), e.policy());
            assertTrue(e.getMessage().endsWith(": no permit became free within PT0.01S (limit 1,"
                    + " LimitPolicy.blockAtMost(PT0.01S)). Raise the limit or the timeout, or retry later."),
                    e.getMessage());
            gate.countDown();
        }
        assertEquals(1, executor.rejected());
        assertTrue(executor.permitWaitNanos() > 0, "a wait that ended in a refusal still counts");
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void blockAtMostAcceptsWhenAPermitFreesInTime(ThreadKind threads) throws Exception {
        AtomicInteger ran = new AtomicInteger();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        VirtualExecutor executor = limited(threads, 1, LimitPolicy.blockAtMost(Duration.ofMinutes(5)));
        try (executor) {
            executor.execute(() -> awaitUninterruptibly(gate));
            Thread submitter = submitter(executor, ran::incrementAndGet, thrown);
            awaitBlocked(submitter);
            gate.countDown();
            submitter.join();
        }
        assertEquals(null, thrown.get());
        assertEquals(1, ran.get());
    }

    // ------------------------------------------------------------------ enqueue

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void enqueueAcceptsAtOnceAndTheTasksThreadWaitsForAPermit(ThreadKind threads) {
        AtomicInteger ran = new AtomicInteger();
        VirtualExecutor executor = limited(threads, 1, LimitPolicy.enqueue());
        try (executor) {
            occupy(executor, gate);
            executor.execute(ran::incrementAndGet); // returns at once: the test thread never blocks
            executor.execute(ran::incrementAndGet);
            await().until(() -> executor.waiting() == 2);
            assertEquals(1, executor.running());
            assertEquals(3, executor.submitted());
            assertEquals(0, ran.get());
            gate.countDown();
        }
        assertEquals(2, ran.get());
        assertEquals(3, executor.completed());
        assertEquals(0, executor.rejected());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aNewTaskNeverOvertakesOneAlreadyWaiting(ThreadKind threads) {
        List<String> order = new CopyOnWriteArrayList<>();
        VirtualExecutor executor = limited(threads, 1, LimitPolicy.enqueue());
        try (executor) {
            occupy(executor, gate);
            executor.execute(() -> order.add("first waiter"));
            await().until(() -> executor.waiting() == 1);
            executor.execute(() -> order.add("newcomer"));
            await().until(() -> executor.waiting() == 2);
            gate.countDown();
        }
        assertEquals(List.of("first waiter", "newcomer"), order);
    }

    // ------------------------------------------------------------------ arguments

    @Test
    void policiesDescribeThemselvesAndCheckTheirTimeout() {
        assertEquals("LimitPolicy.block()", LimitPolicy.block().toString());
        assertEquals("LimitPolicy.reject()", LimitPolicy.reject().toString());
        assertEquals("LimitPolicy.enqueue()", LimitPolicy.enqueue().toString());
        assertEquals("LimitPolicy.blockAtMost(PT2S)", LimitPolicy.blockAtMost(Duration.ofSeconds(2)).toString());
        assertSame(LimitPolicy.block(), LimitPolicy.block());

        assertEquals("timeout must not be negative: PT-1S",
                assertThrows(IllegalArgumentException.class,
                        () -> LimitPolicy.blockAtMost(Duration.ofSeconds(-1))).getMessage());
        assertEquals("timeout", assertThrows(NullPointerException.class, () -> LimitPolicy.blockAtMost(null)).getMessage());
    }

    @Test
    void anEnormousTimeoutSaturates() throws Exception {
        try (VirtualExecutor executor = VirtualExecutor.builder()
                .limit(1, LimitPolicy.blockAtMost(Duration.ofSeconds(Long.MAX_VALUE))).build()) {
            assertEquals(1, executor.submit(() -> 1).get());
        }
    }

    // ------------------------------------------------------------------ the limit under load

    static Stream<Arguments> everyPolicyAndThreadKind() {
        List<Arguments> all = new ArrayList<>();
        for (ThreadKind threads : ThreadKind.values()) {
            for (LimitPolicy policy : List.of(LimitPolicy.block(), LimitPolicy.blockAtMost(Duration.ofMillis(1)),
                    LimitPolicy.reject(), LimitPolicy.enqueue())) {
                all.add(Arguments.of(threads, policy));
            }
        }
        return all.stream();
    }

    /**
     * Many submitters race; a probe inside each task tracks how many run at once. The limit is never
     * exceeded, and every submission is accounted for exactly once: refused (the caller saw the
     * exception, counted in rejected) or accepted (ran exactly once, counted in completed).
     */
    @ParameterizedTest(name = "{1} on {0} threads")
    @MethodSource("everyPolicyAndThreadKind")
    void theLimitHoldsAndEverySubmissionIsAccountedForExactlyOnce(ThreadKind threads, LimitPolicy policy)
            throws Exception {
        int limit = 8;
        int submitters = 4;
        int perSubmitter = threads == ThreadKind.VIRTUAL ? 2_500 : 500; // platform threads are costly to start
        int total = submitters * perSubmitter;
        AtomicInteger current = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        AtomicReferenceArray<String> fate = new AtomicReferenceArray<>(total);
        AtomicInteger ranTwice = new AtomicInteger();

        VirtualExecutor executor = limited(threads, limit, policy);
        List<Thread> started = new ArrayList<>();
        for (int s = 0; s < submitters; s++) {
            int first = s * perSubmitter;
            started.add(Thread.ofVirtual().start(() -> {
                for (int i = first; i < first + perSubmitter; i++) {
                    int id = i;
                    try {
                        executor.execute(() -> {
                            max.accumulateAndGet(current.incrementAndGet(), Math::max);
                            Thread.yield();
                            current.decrementAndGet();
                            if (!fate.compareAndSet(id, null, "ran")) {
                                ranTwice.incrementAndGet();
                            }
                        });
                    } catch (TaskRejectedException e) {
                        if (!fate.compareAndSet(id, null, "rejected")) {
                            ranTwice.incrementAndGet();
                        }
                    }
                }
            }));
        }
        for (Thread thread : started) {
            thread.join();
        }
        executor.close();

        int ran = 0;
        int rejected = 0;
        for (int i = 0; i < total; i++) {
            String f = fate.get(i);
            assertNotNull(f, "submission " + i + " was neither run nor refused");
            if (f.equals("ran")) {
                ran++;
            } else {
                rejected++;
            }
        }
        assertTrue(max.get() <= limit, "at most " + limit + " at once, saw " + max.get());
        assertEquals(0, ranTwice.get());
        assertEquals(ran, executor.submitted());
        assertEquals(ran, executor.completed());
        assertEquals(0, executor.failed());
        assertEquals(rejected, executor.rejected());
        assertEquals(0, executor.running());
        assertEquals(0, executor.waiting());
        assertEquals(limit, executor.availablePermits(), "no permit leaked");
        if (!(policy instanceof LimitPolicy.Reject) && !(policy instanceof LimitPolicy.BlockAtMost)) {
            assertEquals(total, ran, policy + " never refuses for the limit");
        }
        assertFalse(executor.toString().isEmpty());
    }
}
