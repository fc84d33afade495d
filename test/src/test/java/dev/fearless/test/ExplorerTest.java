package dev.fearless.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ExplorerTest {

    static final class Counter {
        int value;
    }

    static Scenario lostUpdate() {
        return () -> {
            Counter counter = new Counter();
            Runnable increment = () -> {
                int seen = counter.value;
                Explorer.point("read");
                counter.value = seen + 1;
            };
            Thread a = Explorer.threadFactory().newThread(increment);
            Thread b = Explorer.threadFactory().newThread(increment);
            a.start();
            b.start();
            a.join();
            b.join();
            assertEquals(2, counter.value, "lost update");
        };
    }

    @Test
    void findsALostUpdateAndReplaysIt() throws Exception {
        Exploration result = Explorer.search(ExploreOptions.defaults().seed(1).schedules(200), lostUpdate());
        ExplorationFailure failure = result.failure().orElseThrow();
        System.out.println(failure.getMessage());
        assertEquals(ExplorationFailure.Kind.FAILED, failure.kind());
        for (int i = 0; i < 5; i++) {
            ExplorationFailure again = Explorer.search(ExploreOptions.replaying(failure.replay()), lostUpdate())
                    .failure().orElseThrow();
            assertEquals(failure.trace(), again.trace());
        }
    }

    @Test
    void findsADeadlock() throws Exception {
        Exploration result = Explorer.search(ExploreOptions.defaults().seed(3).schedules(200), () -> {
            ReentrantLock a = new ReentrantLock();
            ReentrantLock b = new ReentrantLock();
            Thread t1 = Explorer.threadFactory().newThread(() -> {
                a.lock();
                Explorer.point("holds a");
                b.lock();
                b.unlock();
                a.unlock();
            });
            Thread t2 = Explorer.threadFactory().newThread(() -> {
                b.lock();
                Explorer.point("holds b");
                a.lock();
                a.unlock();
                b.unlock();
            });
            t1.start();
            t2.start();
            t1.join();
            t2.join();
        });
        ExplorationFailure failure = result.failure().orElseThrow();
        System.out.println(failure.getMessage());
        assertEquals(ExplorationFailure.Kind.DEADLOCK, failure.kind());
    }

    @Test
    void pointIsANoOpOutsideExploration() {
        Explorer.point("nothing");
        assertFalse(Explorer.isControlled());
        assertTrue(Explorer.threadFactory().newThread(() -> {}).isVirtual());
    }
}
