package dev.fearless.bridge;

import dev.fearless.context.ContextPropagation;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.Stream;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Interleavings of the limit, submission, close and shutdownNow explored by Lincheck's model
 * checker. Lincheck cannot follow virtual threads, so the executor runs on platform threads.
 *
 * <p>Each scenario publishes the objects it shares through the static field {@link #shared}:
 * Lincheck 3.7 on JDK 25 cannot see objects escape through lambda captures (hidden-class fields),
 * treats them as thread-local and places no switch points on their fields; it then misses even a
 * textbook lost update. Published through a static field, the whole object graph is tracked.
 */
@Timeout(300)
class VirtualExecutorLincheckTest {

    private static volatile Object[] shared;

    // Each invocation starts real platform threads through the JDK's thread container: ~0.1-0.3 s.
    // 50 invocations find a permit leaked by a refused submitter (seeded bug) under block().
    private static final int INVOCATIONS = 50;
    private static final int LIMIT = 1;
    private static final int TASKS = 2;

    static Stream<LimitPolicy> policies() {
        return Stream.of(LimitPolicy.block(), LimitPolicy.reject(), LimitPolicy.enqueue()); // blockAtMost waits like block
    }

    private static VirtualExecutor executor(LimitPolicy policy) {
        return VirtualExecutor.builder().threadFactory(Thread.ofPlatform().factory()).limit(LIMIT, policy)
                .context(ContextPropagation.none()).build();
    }

    /**
     * Two submitters race a close(). Each submission is either refused (the submitter saw the
     * exception) or accepted and then run exactly once before close() returns; the limit holds;
     * the counts agree; no permit leaks.
     */
    @ParameterizedTest
    @MethodSource("policies")
    void closeRacingWithSubmissionsDropsNothingAndLeaksNoPermit(LimitPolicy policy) {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            VirtualExecutor executor = executor(policy);
            AtomicInteger current = new AtomicInteger();
            AtomicInteger max = new AtomicInteger();
            AtomicIntegerArray ran = new AtomicIntegerArray(TASKS);
            AtomicIntegerArray refused = new AtomicIntegerArray(TASKS);
            shared = new Object[] {executor, current, max, ran, refused};
            Thread[] submitters = new Thread[TASKS];
            for (int i = 0; i < TASKS; i++) {
                int id = i;
                submitters[i] = new Thread(() -> {
                    try {
                        executor.execute(() -> {
                            max.accumulateAndGet(current.incrementAndGet(), Math::max);
                            current.decrementAndGet();
                            ran.incrementAndGet(id);
                        });
                    } catch (TaskRejectedException e) {
                        refused.incrementAndGet(id);
                    }
                });
                submitters[i].start();
            }
            executor.close();
            int accepted = 0;
            for (int i = 0; i < TASKS; i++) {
                accepted += ran.get(i); // read before joining: close() alone must have waited for them
            }
            joinAll(submitters);

            int ranTotal = 0;
            int refusedTotal = 0;
            for (int i = 0; i < TASKS; i++) {
                check(ran.get(i) + refused.get(i) == 1, "task " + i + " ran " + ran.get(i) + " times, refused "
                        + refused.get(i) + " times");
                ranTotal += ran.get(i);
                refusedTotal += refused.get(i);
            }
            check(accepted == ranTotal, "close() returned before every accepted task ran");
            check(max.get() <= LIMIT, "limit exceeded: " + max.get());
            check(executor.submitted() == ranTotal && executor.completed() == ranTotal,
                    "counts disagree: " + executor);
            check(executor.rejected() == refusedTotal, "rejections miscounted: " + executor);
            check(executor.availablePermits() == LIMIT, "permit leaked: " + executor.availablePermits());
            check(executor.isTerminated(), "not terminated after close()");
        });
    }

    /**
     * Under enqueue(), with the only permit held, a submitter races shutdownNow(): the submitted
     * task must wait for the permit, and shutdownNow may or may not find it waiting. Every
     * submission ends exactly one way: refused, listed by shutdownNow as never started, or run
     * (interrupted) once the permit frees; never lost, never both listed and run.
     */
    @Test
    void shutdownNowRacingWithAWaitingTaskLosesNothing() {
        // Lincheck reaches "refused" and "listed" here; "registered after the walk" is rarely
        // scheduled, so ShutdownTest forces that interleaving deterministically.
        Lincheck.runConcurrentTest(20, () -> {
            VirtualExecutor executor = executor(LimitPolicy.enqueue());
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger ran = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            Runnable task = ran::incrementAndGet;
            shared = new Object[] {executor, holding, release, ran, refused, task};
            executor.execute(() -> { // holds the permit until released (or interrupted by shutdownNow)
                holding.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    // shutdownNow: give the permit back
                }
            });
            await(holding);
            Thread submitter = new Thread(() -> {
                try {
                    executor.execute(task);
                } catch (TaskRejectedException e) {
                    refused.incrementAndGet();
                }
            });
            List<List<Runnable>> listedBox = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread stopper = new Thread(() -> listedBox.add(executor.shutdownNow()));
            submitter.start();
            stopper.start();
            joinAll(submitter, stopper);
            release.countDown();
            List<Runnable> listed = listedBox.getFirst();
            try {
                check(executor.awaitTermination(1, TimeUnit.DAYS), "not terminated");
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }

            int fates = ran.get() + refused.get() + (listed.contains(task) ? 1 : 0);
            check(fates == 1, "ran " + ran.get() + ", refused " + refused.get() + ", listed " + listed.contains(task));
            check(executor.submitted() == executor.completed() + executor.failed(), "counts disagree: " + executor);
            check(executor.availablePermits() == LIMIT, "permit leaked: " + executor.availablePermits());
        });
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static void joinAll(Thread... threads) {
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }
}
