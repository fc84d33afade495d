package dev.fearless.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.bridge.Bridge;
import dev.fearless.channel.Channel;
import dev.fearless.channel.Select;
import dev.fearless.lock.Locks;
import dev.fearless.lock.OrderedLock;
import dev.fearless.scope.Scope;
import dev.fearless.scope.ScopeTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The toolkit's deadlines and timeouts run on virtual time under the explorer: each wait below is
 * minutes long in wall time, so the class timeout would fail if any of them ran on the wall clock.
 */
@Timeout(60)
class VirtualTimeTest {

    /** A scope with a 30 s deadline whose task never ends; fails after the timeout to get a trace. */
    private static void thirtySecondDeadline() throws InterruptedException {
        try (var scope = Scope.builder().threadFactory(Explorer.threadFactory()).timeout(Duration.ofSeconds(30)).open()) {
            scope.fork(() -> {
                new CountDownLatch(1).await();       // only the deadline ends this
                return 1;
            });
            scope.join();
        }
    }

    @Test
    void aThirtySecondScopeDeadlineFiresAtOnceAndTheSameWayUnderTheSameSeed() throws Exception {
        ExploreOptions options = ExploreOptions.defaults().seed(3).schedules(50).shrink(false);
        ExplorationFailure first = Explorer.search(options, VirtualTimeTest::thirtySecondDeadline).failure().orElseThrow();
        assertTrue(first.getCause() instanceof ScopeTimeoutException, first.getMessage());
        assertEquals(1, first.schedule(), "every schedule times out");
        assertTrue(first.trace().stream().anyMatch(step -> step.contains("timed wait ends at virtual time +PT30S")),
                first.getMessage());
        ExplorationFailure second = Explorer.search(options, VirtualTimeTest::thirtySecondDeadline).failure().orElseThrow();
        assertEquals(first.trace(), second.trace(), "the same seed, the same trace");
        ExplorationFailure replayed = Explorer.search(ExploreOptions.replaying(first.replay()),
                VirtualTimeTest::thirtySecondDeadline).failure().orElseThrow();
        assertEquals(first.trace(), replayed.trace());
    }

    @Test
    void theDeadlineThreadIsControlled_theOwnerNeedNotBeInJoin() throws Exception {
        Explorer.explore(ExploreOptions.defaults().seed(4).schedules(30), () -> {
            CountDownLatch cancelled = new CountDownLatch(1);
            try (var scope = Scope.builder().threadFactory(Explorer.threadFactory()).timeout(Duration.ofMinutes(5)).open()) {
                scope.fork(() -> {
                    try {
                        new CountDownLatch(1).await();
                    } finally {
                        cancelled.countDown();
                    }
                    return 1;
                });
                cancelled.await();                   // not in join: only the deadline thread can cancel
                assertThrows(ScopeTimeoutException.class, scope::join);
            }
        });
    }

    @Test
    void timedWaitsOfChannelsSelectLocksTimersAndBridgeRunOnVirtualTime() throws Exception {
        Explorer.explore(ExploreOptions.defaults().seed(5).schedules(20), () -> {
            Channel<Integer> empty = Channel.rendezvous("empty");
            assertTrue(empty.tryReceive(Duration.ofMinutes(10)).isEmpty());
            assertFalse(empty.trySend(1, Duration.ofMinutes(10)));
            assertEquals("idle", Select.select(empty.receiveClause(i -> "got"), Select.timeout(Duration.ofHours(1), () -> "idle")));
            assertThrows(TimeoutException.class, () -> Bridge.await(new CompletableFuture<>(), Duration.ofMinutes(10)));
            OrderedLock held = new OrderedLock("held");
            CountDownLatch locked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread holder = Explorer.threadFactory().newThread(() -> {
                held.lock();
                try {
                    locked.countDown();
                    release.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                } finally {
                    held.unlock();
                }
            });
            holder.start();
            locked.await();
            assertFalse(held.tryLock(10, TimeUnit.MINUTES));
            assertTrue(Locks.tryLockAll(Duration.ofMinutes(10), held).isEmpty());
            release.countDown();
            holder.join();
            AtomicInteger once = new AtomicInteger();
            CountDownLatch fourTicks = new CountDownLatch(4);
            try (var scope = Scope.builder().threadFactory(Explorer.threadFactory()).open()) {
                scope.schedule(Duration.ofMinutes(30), () -> {
                    once.incrementAndGet();
                });
                scope.scheduleAtFixedRate(Duration.ofMinutes(1), Duration.ofMinutes(1), fourTicks::countDown);
                scope.fork(() -> {
                    fourTicks.await();               // the periodic timer stops when join has seen this end
                    return null;
                });
                scope.join();
            }
            assertEquals(1, once.get());
            assertEquals(0, fourTicks.getCount());
        });
    }

    @Test
    void outsideAnExplorationTheSameCodeUsesTheWallClock() throws Exception {
        Channel<Integer> empty = Channel.rendezvous();
        assertTrue(empty.tryReceive(Duration.ofMillis(1)).isEmpty());
        assertEquals(List.of(1), Scope.all(List.of(() -> 1), Explorer.threadFactory()));
    }
}
