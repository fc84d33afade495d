package dev.fearless.metrics;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.fearless.handle.Shared;
import dev.fearless.lock.OrderedLock;
import dev.fearless.lock.OrderedReadWriteLock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The acquisition count behind {@code fearless.lock.wait}: written by each exclusive lock's owner
 * in a plain field of its binding, summed at scrape time, kept when the lock is collected.
 */
@Isolated("binds to the global telemetry registry")
@Timeout(60)
class LockCountsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private static double waitCount(MeterRegistry registry, String name) {
        return Meters.count(registry.get("fearless.lock.wait").tag("name", name).meter());
    }

    /** Many threads on one lock: every acquisition counted once, none lost to a racing increment. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void contendedAcquisitionsAreCountedExactly(boolean virtual) throws InterruptedException {
        MeterRegistry registry = new SimpleMeterRegistry();
        int threads = 8;
        int rounds = 20_000;
        try (FearlessMetrics metrics = new FearlessMetrics()) {
            metrics.bindTo(registry);
            OrderedLock lock = new OrderedLock("hot");
            OrderedReadWriteLock table = new OrderedReadWriteLock("table");
            Shared<long[]> shared = Shared.of("cell", new long[1]);
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread.Builder builder = virtual ? Thread.ofVirtual() : Thread.ofPlatform().daemon();
                workers.add(builder.start(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    for (int i = 0; i < rounds; i++) {
                        lock.lock();
                        lock.unlock();
                        table.readLock().lock();     // read holds overlap: counted in a shared adder
                        table.readLock().unlock();
                        shared.mutate(cell -> cell[0]++);
                    }
                }));
            }
            start.countDown();
            for (Thread worker : workers) {
                worker.join(PATIENCE);
                assertFalse(worker.isAlive());
            }
            assertEquals(threads * rounds, waitCount(registry, "hot"));
            assertEquals(threads * rounds, waitCount(registry, "table"));
            assertEquals(threads * rounds, waitCount(registry, "cell"));
        }
    }

    @Test
    void aCollectedLocksCountIsKept() {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (FearlessMetrics metrics = new FearlessMetrics()) {
            metrics.bindTo(registry);
            for (int i = 0; i < 10; i++) {
                lockTwice("short-lived");           // ten locks of one name, each dropped
            }
            assertEquals(20, waitCount(registry, "short-lived"));
            for (int i = 0; i < 3; i++) {
                System.gc();                         // their bindings may be collected and folded
                assertEquals(20, waitCount(registry, "short-lived"), "a count never goes down");
            }
        }
    }

    @Test
    void aCellIsFoldedOnceItsHandleIsCollected() {
        Counts counts = new Counts();
        Object kept = new Object();
        Counts.Cell keptCell = counts.track(kept);
        keptCell.increment();
        dropped(counts);
        counts.shared.add(4);
        assertEquals(1 + 3 + 4, counts.sum());
        await().atMost(PATIENCE).until(() -> {
            System.gc();
            return counts.tracked() == 1;            // the dropped handle's cell was folded
        });
        assertEquals(1 + 3 + 4, counts.sum(), "folded, not lost");
        keptCell.increment();
        assertEquals(9, counts.sum());
        assertEquals(kept, kept);                    // keeps the handle reachable until here
    }

    private static void lockTwice(String name) {
        OrderedLock lock = new OrderedLock(name);
        lock.lock();
        lock.unlock();
        lock.lock();
        lock.unlock();
    }

    private static void dropped(Counts counts) {
        Counts.Cell cell = counts.track(new Object());
        for (int i = 0; i < 3; i++) {
            cell.increment();
        }
    }

    @Test
    void holdsAreNotTimedByDefault() {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (FearlessMetrics metrics = new FearlessMetrics()) {
            metrics.bindTo(registry);
            lockTwice("ledger");
            assertEquals(2, waitCount(registry, "ledger"));
            assertNull(registry.find("fearless.lock.held").meter(), "opt-in: timeLockHolds(true)");
        }
        MeterRegistry timed = new SimpleMeterRegistry();
        try (FearlessMetrics metrics = FearlessMetrics.builder().timeLockHolds(true).build()) {
            metrics.bindTo(timed);
            lockTwice("ledger");
            assertEquals(2, timed.get("fearless.lock.held").tag("name", "ledger").timer().count());
        }
    }
}
