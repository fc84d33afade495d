package dev.fearless.test;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fearless.bridge.VirtualExecutor;
import dev.fearless.channel.Channel;
import dev.fearless.lock.HeldLocks;
import dev.fearless.lock.Locks;
import dev.fearless.lock.OrderedLock;
import dev.fearless.scope.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The explorer runs scenarios of Fearless's own channels, scopes, handles and locks: 200 schedules
 * each in the build, more with {@code -Dfearless.selftest.schedules=20000} (and preemption bound 2
 * for the exhaustive runs).
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class SelfTest {

    private static final int SCHEDULES = Integer.getInteger("fearless.selftest.schedules", 200);

    private static ExploreOptions options(Strategy strategy) {
        return ExploreOptions.defaults().strategy(strategy).seed(11).schedules(SCHEDULES)
                .preemptionBound(SCHEDULES > 200 ? 2 : 1);
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void aBufferedChannelDeliversEachSendersElementsInOrder(Strategy strategy) throws Exception {
        Explorer.explore(options(strategy), () -> {
            Channel<Integer> channel = Channel.buffered(1, "numbers");
            Thread odd = Corpus.start(() -> Corpus.sendAll(channel, List.of(1, 3, 5)));
            Thread even = Corpus.start(() -> Corpus.sendAll(channel, List.of(2, 4, 6)));
            List<Integer> received = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                received.add(channel.receive());
            }
            Corpus.joinAll(odd, even);
            List<Integer> odds = received.stream().filter(n -> n % 2 == 1).toList();
            List<Integer> evens = received.stream().filter(n -> n % 2 == 0).toList();
            assertEquals(List.of(1, 3, 5), odds);
            assertEquals(List.of(2, 4, 6), evens);
        });
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void aClosedChannelEndsIterationAfterItsElements(Strategy strategy) throws Exception {
        Explorer.explore(options(strategy), () -> {
            Channel<String> channel = Channel.rendezvous("words");
            Thread producer = Corpus.start(() -> {
                Corpus.sendAll(channel, List.of("a", "b"));
                channel.done();
            });
            List<String> received = new ArrayList<>();
            for (String word : channel) {
                received.add(word);
            }
            producer.join();
            assertEquals(List.of("a", "b"), received);
        });
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void scopeForksUnderAnOrderedLockLoseNothing(Strategy strategy) throws Exception {
        Explorer.explore(options(strategy), () -> {
            OrderedLock lock = new OrderedLock("total");
            int[] total = {0};
            try (Scope<Object, Void> scope = Scope.builder().threadFactory(Explorer.threadFactory()).open()) {
                for (int i = 0; i < 3; i++) {
                    scope.fork(() -> {
                        Explorer.point("fork runs");
                        lock.lock();
                        try {
                            int seen = total[0];
                            Explorer.point("read total");
                            total[0] = seen + 1;
                        } finally {
                            lock.unlock();
                        }
                    });
                }
                scope.join();
            }
            assertEquals(3, total[0]);
        });
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void aVirtualExecutorWithTheExplorersFactoryRunsControlledTasks(Strategy strategy) throws Exception {
        Explorer.explore(options(strategy), () -> {
            try (VirtualExecutor executor = VirtualExecutor.builder().name("exec")
                    .threadFactory(Explorer.threadFactory()).build()) {
                AtomicInteger total = new AtomicInteger();
                List<java.util.concurrent.CompletableFuture<Integer>> results = new ArrayList<>();
                for (int i = 1; i <= 3; i++) {
                    int amount = i;
                    results.add(executor.submit(() -> {
                        Assertions.assertTrue(Explorer.isControlled(), "the task runs in a controlled thread");
                        Explorer.point("adding");
                        return total.addAndGet(amount);
                    }));
                }
                int last = 0;
                for (java.util.concurrent.CompletableFuture<Integer> result : results) {
                    last = Math.max(last, result.get());
                }
                assertEquals(6, last);
            }
        });
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void lockAllNeverDeadlocksThreePhilosophers(Strategy strategy) throws Exception {
        Explorer.explore(options(strategy), () -> {
            OrderedLock[] forks = {new OrderedLock("f0"), new OrderedLock("f1"), new OrderedLock("f2")};
            int[] meals = {0};
            List<Thread> philosophers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                OrderedLock left = forks[i];
                OrderedLock right = forks[(i + 1) % 3];
                philosophers.add(Corpus.start(() -> {
                    HeldLocks held = Locks.lockAll(right, left);
                    try {
                        Explorer.point("eating");
                        meals[0]++;
                    } finally {
                        held.close();
                    }
                }));
            }
            Corpus.joinAll(philosophers.toArray(Thread[]::new));
            assertEquals(3, meals[0]);
        });
    }
}
