package dev.fearless.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.fearless.lock.Locks.Strategy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Lincheck explores the interleavings of blocking scenarios on platform threads (it cannot follow
 * virtual threads) and fails on a deadlock, a hang or a failed assertion. Scenarios are few and
 * dense because every runConcurrentTest call pays a fixed set-up cost.
 */
@Timeout(120)
class LocksLincheckTest {

    /*
     * Invocation counts keep each test to seconds on 2 cores: Lincheck instruments every shared
     * access of the JDK collections and weak references the checker's graph uses, so a graph
     * invocation costs several times a plain lock's. A broken version (locks taken in the order
     * given) is caught within the first few dozen invocations.
     */
    private static final int SET_INVOCATIONS = 200;
    private static final int GRAPH_INVOCATIONS = 100;

    /** A counter per lock, incremented only while holding that lock: a lost update means no exclusion. */
    private static final class Guarded {
        final OrderedLock lock = new OrderedLock();
        int count;
    }

    private static Thread run(Strategy strategy, Guarded... set) {
        List<RankedLock> locks = new ArrayList<>(set.length);
        for (Guarded guarded : set) {
            locks.add(guarded.lock);
        }
        Thread thread = new Thread(() -> {
            try (HeldLocks _ = Locks.lockAll(strategy, locks)) {
                for (Guarded guarded : set) {
                    guarded.count++;
                }
            }
        });
        thread.start();
        return thread;
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

    /**
     * Three threads ask for {a, b}, {b, c, c, b} and {c, a}: taken in the order given, the three
     * would deadlock (a cycle a -> b -> c -> a); the sets overlap pairwise; one has duplicates.
     * Every interleaving must finish with each counter incremented once per mention.
     */
    @ParameterizedTest
    @EnumSource(Strategy.class)
    void cyclicOverlappingSetsWithDuplicatesNeverDeadlock(Strategy strategy) {
        Lincheck.runConcurrentTest(SET_INVOCATIONS, () -> {
            Guarded a = new Guarded();
            Guarded b = new Guarded();
            Guarded c = new Guarded();
            joinAll(run(strategy, a, b), run(strategy, b, c, c, b), run(strategy, c, a));
            assertEquals(2, a.count);
            assertEquals(3, b.count);
            assertEquals(3, c.count);
            assertFalse(a.lock.isLocked() || b.lock.isLocked() || c.lock.isLocked());
        });
    }

    /**
     * google/guava#2048: two threads add the two halves of a cycle at the same moment. The
     * checker's graph must report it exactly once in every interleaving (never zero: that is the
     * race; never twice: the second half is stored as a violation, not as an ordering).
     */
    @Test
    void theCheckerReportsACycleClosedByTwoThreadsAtOnce() {
        Lincheck.runConcurrentTest(GRAPH_INVOCATIONS, () -> {
            LockGraph graph = new LockGraph();
            LockNode a = graph.newNode("a", false);
            LockNode b = graph.newNode("b", false);
            AtomicInteger cycles = new AtomicInteger();
            joinAll(addEdge(graph, a, b, cycles), addEdge(graph, b, a, cycles));
            assertEquals(1, cycles.get());
        });
    }

    /** What an acquisition of {@code to} while holding {@code from} does on the checker's slow path. */
    private static Thread addEdge(LockGraph graph, LockNode from, LockNode to, AtomicInteger cycles) {
        Thread thread = new Thread(() -> {
            LockNode.Step step = new LockNode.Step(from.label, to.label, "test", new StackTraceElement[0], null);
            LockNode.Edge edge = graph.addEdge(from, to, step);
            if (edge.violation != null) {
                cycles.incrementAndGet();
            }
        });
        thread.start();
        return thread;
    }
}
