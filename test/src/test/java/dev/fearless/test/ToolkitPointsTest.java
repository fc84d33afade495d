package dev.fearless.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.channel.Channel;
import dev.fearless.handle.Shared;
import dev.fearless.scope.Scope;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Toolkit operations are scheduling points: bugs between two of them are found without Explorer.point. */
@Timeout(60)
class ToolkitPointsTest {

    /** Check-then-act over two handle operations, with no user point between them. */
    private static void readThenUpdate(boolean fixed) throws InterruptedException {
        Shared<Integer> counter = Shared.builder().name("counter").build(0);
        try (var scope = Scope.builder().name("workers").threadFactory(Explorer.threadFactory()).open()) {
            for (int i = 0; i < 2; i++) {
                scope.fork(() -> {
                    if (fixed) {
                        counter.update(v -> v + 1);
                    } else {
                        int seen = counter.read(v -> v);
                        counter.update(v -> seen + 1);
                    }
                    return null;
                });
            }
            scope.join();
        }
        int total = counter.read(v -> v);
        if (total != 2) {
            throw new AssertionError("lost update: " + total);
        }
    }

    @Test
    void aLostUpdateBetweenTwoHandleOperationsIsFoundWithoutAUserPoint() throws Exception {
        ExplorationFailure failure = Explorer.search(ExploreOptions.defaults().seed(1).schedules(200),
                () -> readThenUpdate(false)).failure().orElseThrow(() -> new AssertionError("not found"));
        assertTrue(failure.trace().stream().anyMatch(step -> step.contains("Lock[counter].lock")), failure.getMessage());
        assertTrue(failure.trace().stream().anyMatch(step -> step.contains("Scope[workers].fork")), failure.getMessage());
        ExplorationFailure again = Explorer.search(ExploreOptions.replaying(failure.replay()), () -> readThenUpdate(false))
                .failure().orElseThrow();
        assertEquals(failure.trace(), again.trace());
        Explorer.explore(ExploreOptions.defaults().seed(1).schedules(200), () -> readThenUpdate(true));
    }

    @Test
    void channelOperationsAppearInTheTraceAsPoints() throws Exception {
        ExplorationFailure failure = Explorer.search(ExploreOptions.defaults().seed(2).schedules(200), () -> {
            Channel<Integer> orders = Channel.buffered(2, "orders");
            Thread a = Explorer.threadFactory().newThread(() -> orders.trySend(1));
            Thread b = Explorer.threadFactory().newThread(() -> orders.trySend(2));
            a.start();
            b.start();
            a.join();
            b.join();
            List<Integer> got = List.of(orders.tryReceive().orElseThrow(), orders.tryReceive().orElseThrow());
            if (!got.equals(List.of(1, 2))) {
                throw new AssertionError("assumed order of independent senders: " + got);
            }
        }).failure().orElseThrow(() -> new AssertionError("not found"));
        assertTrue(failure.trace().stream().anyMatch(step -> step.contains("Channel[orders].trySend")), failure.getMessage());
    }
}
