package dev.fearless.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.handle.Shared;
import dev.fearless.lock.OrderedLock;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;

/** The builder's options, on real locks: the name cap bounds the series, histograms are opt-in. */
@Isolated("binds to the global telemetry registry")
@Timeout(60)
class MetricsOptionsTest {

    private static void lockOnce(String name) {
        OrderedLock lock = new OrderedLock(name);
        lock.lock();
        lock.unlock();
    }

    private static Set<String> lockWaitNames(MeterRegistry registry) {
        Set<String> names = new TreeSet<>();
        for (Meter timer : registry.find("fearless.lock.wait").meters()) {
            names.add(timer.getId().getTag("name"));
        }
        return names;
    }

    @Test
    void namesBeyondTheCapShareTheOverflowSeries() {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (FearlessMetrics metrics = FearlessMetrics.builder().commonTags(Tags.of("application", "bank"))
                .maxNames(2).build()) {
            metrics.bindTo(registry);
            for (String name : List.of("acc-1", "acc-2", "acc-3", "acc-4", "acc-1", "acc-3")) {
                lockOnce(name);
            }
            assertEquals(Set.of("acc-1", "acc-2", FearlessMetrics.OVERFLOW_NAME), lockWaitNames(registry));
            assertEquals(3, Meters.count(registry.get("fearless.lock.wait").tag("name", FearlessMetrics.OVERFLOW_NAME).meter()),
                    "acc-3, acc-4 and acc-3 again");
            assertEquals(2, Meters.count(registry.get("fearless.lock.wait").tag("name", "acc-1").meter()));
            assertEquals(3, registry.get("fearless.metrics.overflow").tag("kind", "lock").tag("application", "bank")
                    .counter().count(), "three acquisitions of overflowing locks (releases are events only when holds are timed)");
        }
    }

    @Test
    void theCapIsExactUnderConcurrentFirstEvents() throws InterruptedException {
        MeterRegistry registry = new SimpleMeterRegistry();
        int threads = 8;
        int namesPerThread = 50;
        try (FearlessMetrics metrics = FearlessMetrics.builder().maxNames(37).build()) {
            metrics.bindTo(registry);
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t * namesPerThread;
                workers.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    for (int i = 0; i < namesPerThread; i++) {
                        lockOnce("lock-" + (offset + i));
                    }
                }));
            }
            start.countDown();
            for (Thread worker : workers) {
                worker.join(Duration.ofSeconds(30));
                assertFalse(worker.isAlive());
            }
            Set<String> names = lockWaitNames(registry);
            assertEquals(38, names.size(), "37 admitted names and the overflow name: " + names);
            assertTrue(names.contains(FearlessMetrics.OVERFLOW_NAME));
            double all = 0;
            for (Meter timer : registry.find("fearless.lock.wait").meters()) {
                all += Meters.count(timer);
            }
            assertEquals(threads * namesPerThread, all, "no acquisition lost");
        }
    }

    @Test
    void percentileHistogramsAreOptIn() {
        PrometheusMeterRegistry withHistograms = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (FearlessMetrics metrics = FearlessMetrics.builder().percentileHistograms(true).timeLockHolds(true).build()) {
            metrics.bindTo(withHistograms);
            lockOnce("ledger");
            String scrape = withHistograms.scrape();
            assertTrue(scrape.contains("fearless_lock_wait_seconds_bucket{"), scrape);
            assertTrue(scrape.contains("fearless_lock_held_seconds_bucket{"), scrape);
            assertFalse(scrape.contains("fearless_scope_duration_seconds_bucket"), "only wait and hold timers");
        }
        PrometheusMeterRegistry again = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (FearlessMetrics metrics = new FearlessMetrics()) {
            metrics.bindTo(again);
            lockOnce("ledger");
            String scrape = again.scrape();
            assertTrue(scrape.contains("fearless_lock_wait_seconds_count{"), scrape);
            assertFalse(scrape.contains("_bucket"), "no histogram unless asked for");
        }
    }

    @Test
    void locksAndHandlesCanBeNamedByTheirLockClass() {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (FearlessMetrics metrics = FearlessMetrics.builder().tagLocksByClass(true).build()) {
            metrics.bindTo(registry);
            for (int i = 0; i < 5; i++) {
                OrderedLock account = new OrderedLock("acc-" + i, "Account");
                account.lock();
                account.unlock();
            }
            lockOnce("ledger");                      // no class: keeps its name
            Shared<Long> balance = Shared.builder().name("acc-9").lockClass("Account").build(0L);
            balance.update(b -> b + 1);
            assertEquals(Set.of("Account", "ledger"), lockWaitNames(registry));
            assertEquals(6, Meters.count(registry.get("fearless.lock.wait").tag("name", "Account").meter()),
                    "five locks and one handle, one series");
        }
        MeterRegistry byName = new SimpleMeterRegistry();
        try (FearlessMetrics metrics = new FearlessMetrics()) {
            metrics.bindTo(byName);
            OrderedLock account = new OrderedLock("acc-1", "Account");
            account.lock();
            account.unlock();
            assertEquals(Set.of("acc-1"), lockWaitNames(byName), "by name unless asked");
        }
    }

    @Test
    void badOptionsAreRefusedAtOnce() {
        var zero = assertThrows(IllegalArgumentException.class, () -> FearlessMetrics.builder().maxNames(0));
        assertEquals("maxNames must be at least 1: 0", zero.getMessage());
        var nul = assertThrows(NullPointerException.class, () -> FearlessMetrics.builder().commonTags(null));
        assertEquals("commonTags", nul.getMessage());
    }
}
