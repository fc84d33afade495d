package dev.fearless.structure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.handle.Shared;
import dev.fearless.lock.HeldLocks;
import dev.fearless.lock.Locks;
import dev.fearless.lock.OrderedLock;
import dev.fearless.scope.Scope;
import dev.fearless.testing.ThreadKind;
import dev.fearless.tracking.Tracking;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Many tasks take and release locks (single, reentrant, sets, handles) while snapshots are taken:
 * each thread always sees exactly the holds it has, snapshots only ever name real locks, and
 * nothing is left recorded at the end.
 */
@Timeout(120)
class HeldLocksStressTest {

    private static final int TASKS = 8;
    private static final int ROUNDS = 2_000;

    @BeforeEach
    void enable() {
        Structure.enable();
    }

    @AfterEach
    void disable() {
        Structure.disable();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void holdsMatchWhatEachThreadHoldsUnderConcurrentSnapshots(ThreadKind kind) throws Exception {
        List<OrderedLock> locks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            locks.add(new OrderedLock("stress-" + i));
        }
        Shared<Integer> counter = Shared.of("stress-counter", 0);
        Set<String> known = ConcurrentHashMap.newKeySet();
        locks.forEach(lock -> known.add(label(lock)));
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger snapshots = new AtomicInteger();
        List<String> strangers = new ArrayList<>();
        try (var stress = Scope.builder().name("stress").threadFactory(kind.factory()).open()) {
            stress.fork(() -> {                                               // the observer
                while (!done.get()) {
                    for (ScopeNode scope : Structure.snapshot().scopes()) {
                        for (TaskNode task : scope.tasks()) {
                            for (String held : task.holds()) {
                                if (!known.contains(held) && !held.startsWith("stress-counter#")) {
                                    synchronized (strangers) {
                                        strangers.add(held);
                                    }
                                }
                            }
                        }
                    }
                    snapshots.incrementAndGet();
                }
                return null;
            });
            List<dev.fearless.scope.Task<Object>> workers = new ArrayList<>();
            for (int t = 0; t < TASKS; t++) {
                workers.add(stress.fork(() -> {
                    Thread me = Thread.currentThread();
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int round = 0; round < ROUNDS; round++) {
                        OrderedLock a = locks.get(random.nextInt(locks.size()));
                        OrderedLock b = locks.get(random.nextInt(locks.size()));
                        switch (round % 3) {
                            case 0 -> {
                                a.lock();
                                try {
                                    a.lock();                                 // reentrant: still one hold
                                    assertEquals(List.of(label(a)), Tracking.heldBy(me));
                                    a.unlock();
                                    assertEquals(List.of(label(a)), Tracking.heldBy(me));
                                } finally {
                                    a.unlock();
                                }
                            }
                            case 1 -> {
                                try (HeldLocks set = Locks.lockAll(a, b)) {
                                    assertEquals(set.locks().stream().map(HeldLocksStressTest::label).toList(),
                                            Tracking.heldBy(me));
                                }
                            }
                            default -> counter.update(value -> {
                                assertEquals(1, Tracking.heldBy(me).size());
                                return value + 1;
                            });
                        }
                        assertEquals(List.of(), Tracking.heldBy(me), "round " + round);
                    }
                    return null;
                }));
            }
            for (var worker : workers) {
                worker.join();
            }
            done.set(true);
            stress.join();
        }
        assertTrue(snapshots.get() > 0);
        assertEquals(List.of(), strangers);
        long updates = java.util.stream.IntStream.range(0, ROUNDS).filter(round -> round % 3 == 2).count();
        assertEquals(TASKS * updates, (long) counter.read(value -> value), "every update ran");
    }

    private static String label(dev.fearless.lock.RankedLock lock) {
        return lock.name() + "#" + lock.rank();
    }
}
