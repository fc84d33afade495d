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
import dev.fearless.testing.TrackingFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.MDC;

@Timeout(30)
class TimerTest {

    private final CountDownLatch gate = new CountDownLatch(1);

    @AfterEach
    void releaseGate() {
        gate.countDown();
        MDC.clear();
    }

    private static VirtualExecutor executor(ThreadKind threads) {
        return VirtualExecutor.builder().name("timers").threadFactory(threads.factory()).build();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aDelayedTaskRunsOnceOnAThreadFromTheFactory(ThreadKind threads) throws Exception {
        VirtualExecutor executor = executor(threads);
        try (executor) {
            ScheduledFuture<Thread> future = executor.schedule(Thread::currentThread, 1, TimeUnit.MILLISECONDS);
            assertTrue(threads.isKindOf(future.get()));
            AtomicInteger ran = new AtomicInteger();
            Runnable increment = ran::incrementAndGet;
            assertEquals(null, executor.schedule(increment, 0, TimeUnit.SECONDS).get());
            assertEquals(1, ran.get());
        }
        assertEquals(2, executor.submitted(), "each run is one task");
        assertEquals(2, executor.completed());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aFixedRateTimerRunsUntilCancelled(ThreadKind threads) {
        AtomicInteger runs = new AtomicInteger();
        VirtualExecutor executor = executor(threads);
        ScheduledFuture<?> timer;
        try (executor) {
            timer = executor.scheduleAtFixedRate(runs::incrementAndGet, 0, 1, TimeUnit.MILLISECONDS);
            await().until(() -> runs.get() >= 3);
            assertFalse(timer.isDone(), "a periodic timer never completes normally");
            assertTrue(timer.cancel(false));
        }
        int after = runs.get();
        assertTrue(timer.isCancelled());
        assertEquals(after, executor.submitted());
        assertEquals(after, executor.completed());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aFixedDelayTimerRunsUntilCancelled(ThreadKind threads) {
        AtomicInteger runs = new AtomicInteger();
        try (VirtualExecutor executor = executor(threads)) {
            ScheduledFuture<?> timer = executor.scheduleWithFixedDelay(runs::incrementAndGet, 0, 1, TimeUnit.MILLISECONDS);
            await().until(() -> runs.get() >= 3);
            assertTrue(timer.cancel(true));
        }
    }

    @Test
    void fixedRateCountsFromTheDueTimeAndFixedDelayFromTheEndOfTheRun() {
        long period = 10;
        assertEquals(110, ScheduledTask.nextDue(period, 100, 135), "fixed rate: late runs catch up");
        assertEquals(145, ScheduledTask.nextDue(-period, 100, 135), "fixed delay: a pause after every run");
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void runsOfOneTimerNeverOverlapAndALateRunIsFollowedAtOnce(ThreadKind threads) throws Exception {
        AtomicInteger current = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        AtomicInteger runs = new AtomicInteger();
        try (VirtualExecutor executor = executor(threads)) {
            ScheduledFuture<?> timer = executor.scheduleAtFixedRate(() -> {
                max.accumulateAndGet(current.incrementAndGet(), Math::max);
                if (runs.incrementAndGet() == 1) {
                    awaitUninterruptibly(gate); // the first run overruns many periods
                }
                current.decrementAndGet();
            }, 0, 1, TimeUnit.MILLISECONDS);
            long begin = System.nanoTime();
            await().until(() -> System.nanoTime() - begin > TimeUnit.MILLISECONDS.toNanos(20));
            assertEquals(1, runs.get(), "no second run while the first is running");
            gate.countDown();
            await().until(() -> runs.get() >= 5);
            timer.cancel(false);
        }
        assertEquals(1, max.get());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aFailingPeriodicTaskStopsItsTimerAndTheFailureIsObservable(ThreadKind threads) throws Exception {
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        IllegalStateException boom = new IllegalStateException("third run fails");
        AtomicInteger runs = new AtomicInteger();
        VirtualExecutor executor = VirtualExecutor.builder()
                .threadFactory(threads.builder().uncaughtExceptionHandler((t, e) -> uncaught.add(e)).factory())
                .build();
        ScheduledFuture<?> timer;
        try (executor) {
            timer = executor.scheduleAtFixedRate(() -> {
                if (runs.incrementAndGet() == 3) {
                    throw boom;
                }
            }, 0, 1, TimeUnit.MILLISECONDS);
            ExecutionException e = assertThrows(ExecutionException.class, timer::get);
            assertSame(boom, e.getCause());
        }
        assertEquals(3, runs.get(), "no run after the failure");
        assertEquals(Future.State.FAILED, timer.state());
        assertSame(boom, timer.exceptionNow());
        assertEquals(List.of(boom), uncaught, "a periodic failure is also reported to the uncaught handler");
        assertEquals(2, executor.completed());
        assertEquals(1, executor.failed());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aFailingDelayedTaskCompletesItsFutureWithItsOwnException(ThreadKind threads) {
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        IllegalStateException boom = new IllegalStateException("once");
        try (VirtualExecutor executor = VirtualExecutor.builder()
                .threadFactory(threads.builder().uncaughtExceptionHandler((t, e) -> uncaught.add(e)).factory()).build()) {
            ScheduledFuture<Object> future = executor.schedule(() -> { throw boom; }, 0, TimeUnit.SECONDS);
            ExecutionException e = assertThrows(ExecutionException.class, future::get);
            assertSame(boom, e.getCause());
        }
        assertTrue(uncaught.isEmpty(), "a one-shot result is read from its future");
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aPendingTimerCancelledBeforeItIsDueNeverRunsAndDoesNotDelayClose(ThreadKind threads) {
        AtomicInteger runs = new AtomicInteger();
        VirtualExecutor executor = executor(threads);
        try (executor) {
            ScheduledFuture<?> timer = executor.schedule(runs::incrementAndGet, 1, TimeUnit.HOURS);
            assertTrue(timer.cancel(false));
            assertTrue(timer.getDelay(TimeUnit.MINUTES) > 50);
        } // returns at once: the sleeping timer thread woke up and ended
        assertEquals(0, runs.get());
        assertEquals(0, executor.submitted());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void shutdownStopsPeriodicTimersButDelayedTasksStillRunWhenDue(ThreadKind threads) throws Exception {
        AtomicInteger periodicRuns = new AtomicInteger();
        VirtualExecutor executor = executor(threads);
        ScheduledFuture<?> periodic = executor.scheduleAtFixedRate(periodicRuns::incrementAndGet, 0, 1, TimeUnit.MILLISECONDS);
        ScheduledFuture<String> delayed = executor.schedule(() -> "ran after shutdown", 50, TimeUnit.MILLISECONDS);
        await().until(() -> periodicRuns.get() >= 1);

        executor.close();

        assertTrue(periodic.isCancelled());
        assertEquals("ran after shutdown", delayed.get(), "close waits for an accepted delayed task");
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void afterCloseOrShutdownNowNoTimerThreadIsAliveAndNoTickHappens(ThreadKind threads) throws Exception {
        for (boolean now : new boolean[] {false, true}) {
            AtomicInteger ticks = new AtomicInteger();
            TrackingFactory made = threads.tracking();
            VirtualExecutor executor = VirtualExecutor.builder().name("timers").threadFactory(made).build();
            executor.scheduleAtFixedRate(ticks::incrementAndGet, 0, 1, TimeUnit.MILLISECONDS);
            executor.scheduleWithFixedDelay(ticks::incrementAndGet, 0, 1, TimeUnit.MILLISECONDS);
            await().until(() -> ticks.get() >= 4);
            if (now) {
                executor.shutdownNow();
                assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
            } else {
                executor.close();
            }
            for (Thread thread : made.threads()) {
                thread.join();           // every thread the timers used has ended: none is left behind
            }
            int atClose = ticks.get();
            assertEquals(atClose, ticks.get(), "no tick after " + (now ? "shutdownNow" : "close"));
            assertTrue(executor.isTerminated());
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void shutdownNowReturnsTimersThatNeverRanAndCancelsTheRest(ThreadKind threads) throws Exception {
        AtomicInteger runs = new AtomicInteger();
        VirtualExecutor executor = executor(threads);
        Runnable later = () -> { };
        ScheduledFuture<?> pending = executor.schedule(later, 1, TimeUnit.HOURS);
        ScheduledFuture<String> pendingCallable = executor.schedule(() -> "never", 1, TimeUnit.HOURS);
        ScheduledFuture<?> periodic = executor.scheduleWithFixedDelay(runs::incrementAndGet, 0, 1, TimeUnit.MILLISECONDS);
        await().until(() -> runs.get() >= 1);

        List<Runnable> neverStarted = executor.shutdownNow();

        assertEquals(2, neverStarted.size());
        assertTrue(neverStarted.contains(later));
        assertTrue(pending.isCancelled());
        assertTrue(pendingCallable.isCancelled());
        assertTrue(periodic.isCancelled());
        assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aRunTheLimitRefusesEndsItsTimerWithTheRejection(ThreadKind threads) {
        VirtualExecutor executor = VirtualExecutor.builder().name("busy").threadFactory(threads.factory())
                .limit(1, LimitPolicy.reject()).build();
        try (executor) {
            executor.execute(() -> awaitUninterruptibly(gate));
            ScheduledFuture<?> timer = executor.scheduleAtFixedRate(() -> { }, 0, 1, TimeUnit.MILLISECONDS);
            ExecutionException e = assertThrows(ExecutionException.class, timer::get);
            assertEquals(TaskRejectedException.Reason.LIMIT_REACHED,
                    assertInstanceOf(TaskRejectedException.class, e.getCause()).reason());
            gate.countDown();
        }
        assertEquals(1, executor.rejected());
        assertEquals(1, executor.submitted());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aDueRunWaitsForAPermitUnderABlockingPolicy(ThreadKind threads) throws Exception {
        VirtualExecutor executor = VirtualExecutor.builder().threadFactory(threads.factory())
                .limit(1, LimitPolicy.enqueue()).build();
        try (executor) {
            occupy(executor, gate);
            ScheduledFuture<String> timer = executor.schedule(() -> "ran", 0, TimeUnit.SECONDS);
            await().until(() -> executor.waiting() == 1);
            assertFalse(timer.isDone());
            gate.countDown();
            assertEquals("ran", timer.get());
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void interruptingATimersThreadCancelsTheTimer(ThreadKind threads) {
        TrackingFactory factory = threads.tracking();
        VirtualExecutor executor = VirtualExecutor.builder().threadFactory(factory).build();
        try {
            ScheduledFuture<?> timer = executor.schedule(() -> { }, 1, TimeUnit.HOURS);
            await().until(() -> factory.threads().size() == 1);
            factory.threads().getFirst().interrupt();
            await().until(timer::isCancelled);
            executor.shutdown();
            await().until(executor::isTerminated); // the cancelled timer's thread ended
        } finally {
            executor.shutdownNow();
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void theSchedulersContextFlowsIntoEveryRun(ThreadKind threads) throws Exception {
        try (VirtualExecutor executor = executor(threads)) {
            MDC.put("job", "nightly");
            ScheduledFuture<String> run = executor.schedule(() -> MDC.get("job"), 0, TimeUnit.SECONDS);
            assertEquals("nightly", run.get());
        }
    }

    @Test
    void delaysCompareAndPeriodsMustBePositive() {
        VirtualExecutor executor = VirtualExecutor.builder().build();
        try {
            ScheduledFuture<?> soon = executor.schedule(() -> { }, 1, TimeUnit.HOURS);
            ScheduledFuture<?> later = executor.schedule(() -> { }, 2, TimeUnit.HOURS);
            assertTrue(soon.compareTo(later) < 0);
            assertTrue(later.compareTo(soon) > 0);
            assertEquals(0, soon.compareTo(soon));
            assertTrue(soon.getDelay(TimeUnit.SECONDS) <= 3600);
            ScheduledFuture<?> huge = executor.schedule(() -> { }, Long.MAX_VALUE, TimeUnit.DAYS);
            assertTrue(huge.getDelay(TimeUnit.DAYS) > 365 * 50, "an enormous delay saturates instead of overflowing");

            assertEquals("period must be positive: 0 MILLISECONDS", assertThrows(IllegalArgumentException.class,
                    () -> executor.scheduleAtFixedRate(() -> { }, 0, 0, TimeUnit.MILLISECONDS)).getMessage());
            assertEquals("delay must be positive: -1 SECONDS", assertThrows(IllegalArgumentException.class,
                    () -> executor.scheduleWithFixedDelay(() -> { }, 0, -1, TimeUnit.SECONDS)).getMessage());
            assertEquals("unit", assertThrows(NullPointerException.class,
                    () -> executor.schedule(() -> { }, 1, null)).getMessage());
            assertEquals("command", assertThrows(NullPointerException.class,
                    () -> executor.schedule((Runnable) null, 1, TimeUnit.SECONDS)).getMessage());
        } finally {
            assertEquals(3, executor.shutdownNow().size()); // close() would wait for them to come due
        }
    }
}
