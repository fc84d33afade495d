package dev.fearless.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import dev.fearless.lock.LockOrderChecker;
import dev.fearless.lock.OrderedLock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/** Runs fixture tests through the JUnit Platform and checks what the extensions made of them. */
@Timeout(60)
class ExtensionsTest {

    /** Not run by surefire (a nested class); run here through the launcher. */
    static class ExploreFixtures {
        @Test
        @ExploreSchedules(schedules = 300, seed = 4)
        void lostUpdate() throws Exception {
            Corpus.lostUpdate(false);
        }

        @Test
        @ExploreSchedules(schedules = 100, seed = 4, strategy = Strategy.PCT)
        void fixedLostUpdate() throws Exception {
            Corpus.lostUpdate(true);
        }

        @org.junit.jupiter.params.ParameterizedTest
        @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
        @ExploreSchedules(schedules = 300, seed = 4)
        void parameterised(boolean fixed) throws Exception {
            Corpus.lostUpdate(fixed);
        }

        @Test
        @ReplaySchedule("r1:1.2.1.2.3x2")
        void replayed() throws Exception {
            Corpus.lostUpdate(false);
        }
    }

    static final CountDownLatch RELEASE = new CountDownLatch(1);

    @FearlessChecks(threadGrace = 100)
    static class CheckFixtures {
        @Test
        void clean() throws Exception {
            OrderedLock a = new OrderedLock("a");
            a.lock();
            a.unlock();
            Thread.ofPlatform().start(() -> {}).join();
        }

        @Test
        void swallowsALockOrderViolation() {
            OrderedLock a = new OrderedLock("a");
            OrderedLock b = new OrderedLock("b");
            a.lock();
            b.lock();
            b.unlock();
            a.unlock();
            b.lock();
            try {
                a.lock();
                a.unlock();
            } catch (RuntimeException swallowed) {
                // a careless test
            } finally {
                b.unlock();
            }
        }

        @Test
        void leavesAThreadRunning() {
            Thread.ofPlatform().name("left-behind").start(() -> {
                try {
                    RELEASE.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }

    private static TestExecutionSummary run(Class<?> type, String method) {
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectMethod(type.getName() + "#" + method)).build(), listener);
        return listener.getSummary();
    }

    private static String failureOf(Class<?> type, String method) {
        TestExecutionSummary summary = run(type, method);
        List<TestExecutionSummary.Failure> failures = summary.getFailures();
        assertEquals(1, failures.size(), method + " should fail once");
        return String.valueOf(failures.get(0).getException().getMessage());
    }

    @Test
    void exploreSchedulesFailsWithTheReportAndTheMavenReplayLine() {
        String report = failureOf(ExploreFixtures.class, "lostUpdate");
        assertTrue(report.contains("lost update"), report);
        assertTrue(report.contains("seed 0x4"), report);
        Matcher replay = Pattern.compile("@ReplaySchedule\\(\"(r1:[0-9x.]*)\"\\)").matcher(report);
        assertTrue(replay.find(), report);
        assertTrue(report.contains("mvn test -Dtest='" + ExploreFixtures.class.getName() + "#lostUpdate' "
                + "-Dfearless.explore.replay=" + replay.group(1)), report);
    }

    @Test
    void aFixedTestPassesEverySchedule() {
        TestExecutionSummary summary = run(ExploreFixtures.class, "fixedLostUpdate");
        assertEquals(1, summary.getTestsSucceededCount());
    }

    @Test
    void parameterisedTestsAreExploredPerInvocation() {
        TestExecutionSummary summary = run(ExploreFixtures.class, "parameterised(boolean)");
        assertEquals(1, summary.getTestsFailedCount());
        assertEquals(1, summary.getTestsSucceededCount());
    }

    @Test
    void replayScheduleRunsTheRecordedSchedule() {
        String report = failureOf(ExploreFixtures.class, "replayed");
        assertTrue(report.contains("replaying a recorded schedule"), report);
        assertTrue(report.contains("lost update"), report);
    }

    @Test
    void fearlessChecksPassACleanTestAndRestoreTheChecker() {
        LockOrderChecker.Mode before = LockOrderChecker.mode();
        assertEquals(1, run(CheckFixtures.class, "clean").getTestsSucceededCount());
        assertEquals(before, LockOrderChecker.mode());
    }

    @Test
    void fearlessChecksFailASwallowedLockOrderViolation() {
        String report = failureOf(CheckFixtures.class, "swallowsALockOrderViolation");
        assertTrue(report.contains("lock-order violation"), report);
    }

    @Test
    void fearlessChecksFailAThreadLeftRunning() {
        try {
            String report = failureOf(CheckFixtures.class, "leavesAThreadRunning");
            assertTrue(report.contains("thread \"left-behind\""), report);
            assertTrue(report.contains("still alive"), report);
        } finally {
            RELEASE.countDown();
        }
    }
}
