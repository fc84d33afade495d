package dev.fearless.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
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
        assertTrue(failure.getMessage().contains("wait-for cycle: T1 -> T2 -> T1")
                || failure.getMessage().contains("wait-for cycle: T2 -> T1 -> T2"), failure.getMessage());
        assertTrue(failure.getMessage().contains("held by T"), failure.getMessage());
    }

    @Test
    void aSpinThroughPointsDoesNotTerminate() throws Exception {
        ExplorationFailure failure = Explorer.search(ExploreOptions.defaults().seed(1).schedules(1).maxSteps(500),
                () -> {
                    while (true) {
                        Explorer.point("spin");
                    }
                }).failure().orElseThrow();
        assertEquals(ExplorationFailure.Kind.DID_NOT_TERMINATE, failure.kind());
        assertTrue(failure.getMessage().contains("did not terminate within 500 steps"), failure.getMessage());
        assertTrue(failure.getMessage().contains("-Dfearless.explore.replay=r1:"), failure.getMessage());
    }

    @Test
    void aTimedWaitNobodyEndsIsUncontrolledNotAHang() throws Exception {
        ExplorationFailure failure = Explorer.search(ExploreOptions.defaults().schedules(1)
                .uncontrolledTimeout(Duration.ofMillis(50)), () -> LockSupport.parkNanos(60_000_000_000L))
                .failure().orElseThrow();
        assertEquals(ExplorationFailure.Kind.UNCONTROLLED, failure.kind());
        assertTrue(failure.getMessage().contains("main is in a timed wait"), failure.getMessage());
    }

    @Test
    void aWakeUpFromOutsideIsWaitedForAndReported() throws Exception {
        Exploration result = Explorer.explore(ExploreOptions.defaults().schedules(200)
                .uncontrolledTimeout(Duration.ofSeconds(30)), () -> {
                    Thread self = Thread.currentThread();
                    AtomicBoolean woken = new AtomicBoolean();
                    Thread outside = Thread.ofPlatform().start(() -> {
                        woken.set(true);
                        LockSupport.unpark(self);
                    });
                    while (!woken.get()) {
                        LockSupport.parkNanos(10_000_000_000L); // a timed wait: outside the model
                    }
                    outside.join();
                });
        assertEquals(200, result.schedules()); // 200: the lost wake-up showed within 500 before the fix
    }

    @Test
    void aStepThatNeverYieldsIsReportedAfterTheStepTimeout() throws Exception {
        AtomicBoolean release = new AtomicBoolean();
        try {
            ExplorationFailure failure = Explorer.search(ExploreOptions.defaults().schedules(1)
                    .stepTimeout(Duration.ofMillis(200)), () -> {
                        while (!release.get()) {
                            Thread.onSpinWait();
                        }
                    }).failure().orElseThrow();
            assertEquals(ExplorationFailure.Kind.UNCONTROLLED, failure.kind());
            assertTrue(failure.getMessage().contains("main did not reach a scheduling point within PT0.2S"),
                    failure.getMessage());
        } finally {
            release.set(true);
        }
    }

    @Test
    void exhaustiveSearchEndsWhenEveryScheduleWithinTheBoundRan() throws Exception {
        Exploration result = Explorer.explore(ExploreOptions.defaults().strategy(Strategy.EXHAUSTIVE)
                .preemptionBound(1).schedules(10_000), () -> {
                    Thread a = Explorer.threadFactory().newThread(() -> Explorer.point("a"));
                    Thread b = Explorer.threadFactory().newThread(() -> Explorer.point("b"));
                    a.start();
                    b.start();
                    a.join();
                    b.join();
                });
        assertTrue(result.exhausted());
        assertTrue(result.schedules() > 2 && result.schedules() < 100, "schedules: " + result.schedules());
        ExplorationFailure failure = Explorer.search(ExploreOptions.defaults().strategy(Strategy.EXHAUSTIVE)
                .preemptionBound(1), lostUpdate()).failure().orElseThrow();
        assertEquals(1, failure.preemptions());
    }

    @Test
    void pctFindsTheLostUpdate() throws Exception {
        ExplorationFailure failure = Explorer.search(ExploreOptions.defaults().strategy(Strategy.PCT).depth(2).seed(9)
                .schedules(500), lostUpdate()).failure().orElseThrow();
        assertTrue(failure.getMessage().contains("PCT (depth 2)"), failure.getMessage());
    }

    @Test
    void aReplayOfAnotherScenarioDiverges() throws Exception {
        ExplorationFailure failure = Explorer.search(ExploreOptions.replaying("r1:5x3"), lostUpdate())
                .failure().orElseThrow();
        assertEquals(ExplorationFailure.Kind.REPLAY_DIVERGED, failure.kind());
    }

    @Test
    void schedulesRoundTripAndBadOnesAreRejected() {
        List<Integer> decisions = List.of(0, 0, 0, 1, 2, 2, 1);
        assertEquals("r1:0x3.1.2x2.1", Schedules.encode(decisions));
        assertEquals(decisions, Schedules.decode("r1:0x3.1.2x2.1"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> ExploreOptions.replaying("0x3"));
        assertTrue(bad.getMessage().contains("must start with \"r1:\""), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ExploreOptions.replaying("r1:1.x"));
        assertThrows(NullPointerException.class, () -> ExploreOptions.defaults().strategy(null));
        assertThrows(IllegalArgumentException.class, () -> ExploreOptions.defaults().schedules(0));
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> ExploreOptions.defaults().uncontrolledTimeout(Duration.ofSeconds(-1)));
        assertEquals("timeout must not be negative: PT-1S", negative.getMessage());
        assertThrows(NullPointerException.class, () -> Explorer.search(ExploreOptions.defaults(), null));
    }

    @Test
    void explorationsCannotBeNested() throws Exception {
        ExplorationFailure failure = Explorer.search(ExploreOptions.defaults().schedules(1),
                () -> Explorer.search(ExploreOptions.defaults(), () -> {})).failure().orElseThrow();
        assertTrue(failure.getCause() instanceof IllegalStateException, failure.getMessage());
    }

    @Test
    void withoutTheFlagTheExplorerNamesIt() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                MissingFlagMain.class.getName()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(3, process.exitValue(), output);
        assertTrue(output.contains("--add-opens java.base/java.lang=ALL-UNNAMED"), output);
        assertTrue(output.contains("<argLine>"), output);
    }

    @Test
    void aThreadMadeButNeverStartedDoesNotHoldTheScheduleOpen() throws Exception {
        Exploration result = Explorer.explore(ExploreOptions.defaults().schedules(2),
                () -> Explorer.threadFactory().newThread(() -> {}));
        assertEquals(2, result.schedules());
    }

    @Test
    void pointIsANoOpOutsideExploration() {
        Explorer.point("nothing");
        assertFalse(Explorer.isControlled());
        assertTrue(Explorer.threadFactory().newThread(() -> {}).isVirtual());
    }
}
