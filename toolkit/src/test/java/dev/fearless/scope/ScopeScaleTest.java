package dev.fearless.scope;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * One scope holds 1,000,000 tasks that are all alive and parked at the same moment: each counts
 * down {@code started} and then waits on {@code release}, so {@code started.await()} returning
 * proves they were concurrently alive. Prints the time and the heap at that peak moment: used, used
 * after a full GC (the live footprint of a million parked tasks) and committed. No timing assertion.
 *
 * <p>It takes one to two minutes on two busy cores, the JDK's cost of starting and resuming a
 * million virtual threads (plain virtual threads without a scope take as long), so it is tagged
 * {@code scale} and runs only on request:
 * {@code mvn -pl toolkit verify -Dtest=ScopeScaleTest -Dfearless.scale=true}.
 */
@Tag("scale")
@EnabledIfSystemProperty(named = "fearless.scale", matches = "true",
        disabledReason = "a minute or two: run with -Dfearless.scale=true")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ScopeScaleTest {

    private static final int TASKS = 1_000_000;

    @Test
    void oneScopeHoldsAMillionConcurrentlyParkedVirtualThreads() throws Exception {
        CountDownLatch started = new CountDownLatch(TASKS);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger finished = new AtomicInteger();
        Callable<Integer> task = () -> {
            started.countDown();
            release.await();
            return finished.incrementAndGet();
        };
        Runtime runtime = Runtime.getRuntime();
        long start = System.nanoTime();
        long allParked;
        long usedAtPeak;
        long liveAtPeak;
        long committedAtPeak;
        try (var scope = Scope.open()) {
            for (int i = 0; i < TASKS; i++) {
                scope.fork(task);
            }
            started.await();                         // every task is alive and about to park on release
            allParked = System.nanoTime();
            usedAtPeak = runtime.totalMemory() - runtime.freeMemory();
            System.gc();                             // the parked tasks are all reachable: this is their footprint
            liveAtPeak = runtime.totalMemory() - runtime.freeMemory();
            committedAtPeak = runtime.totalMemory();
            release.countDown();
            scope.join();
        }
        long end = System.nanoTime();
        assertEquals(TASKS, finished.get());
        System.out.printf("scale: %,d tasks concurrently parked in one scope; all started after %,d ms,"
                        + " all done after %,d ms; heap with all parked: used %,d MiB, live after GC %,d MiB"
                        + " (%,d bytes per task), committed %,d MiB, max %,d MiB%n",
                TASKS, TimeUnit.NANOSECONDS.toMillis(allParked - start), TimeUnit.NANOSECONDS.toMillis(end - start),
                usedAtPeak >> 20, liveAtPeak >> 20, liveAtPeak / TASKS, committedAtPeak >> 20, runtime.maxMemory() >> 20);
    }
}
