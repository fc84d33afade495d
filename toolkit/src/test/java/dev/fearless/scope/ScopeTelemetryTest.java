package dev.fearless.scope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.telemetry.Telemetry;
import dev.fearless.testing.Blocker;
import dev.fearless.testing.RecordingListener;
import dev.fearless.testing.ThreadKind;
import dev.fearless.testing.TrackingFactory;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Scopes report opened/closed and forked/finished events, with outcomes, to the listener SPI. */
@Isolated("registers a global telemetry listener")
@Timeout(30)
class ScopeTelemetryTest {

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aScriptedScopeReportsEveryEventWithItsOutcome(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        RecordingListener recorder = new RecordingListener();
        try (var _ = Telemetry.register(recorder)) {
            try (var scope = Scope.builder().name("scripted").threadFactory(threads)
                    .policy(Policy.<Integer>awaitAll()).open()) {
                Blocker blocker = new Blocker();
                Task<Integer> cancelled = scope.fork(blocker);
                blocker.awaitStarted();
                scope.fork(() -> 1);
                scope.fork(() -> {
                    throw new IllegalStateException("scripted failure");
                });
                cancelled.cancel();
                scope.join();
            }
            try (var unnamed = Scope.builder().threadFactory(threads).open()) {
                unnamed.fork(() -> 2);
            } catch (IllegalStateException skippedJoin) {
                // closed without join: reported as cancelled
            }
        }
        List<String> events = List.copyOf(recorder.events);
        List<String> scripted = events.stream().filter(e -> e.contains("scripted")).toList();
        assertEquals("opened scripted", scripted.getFirst());
        assertEquals("closed scripted success", scripted.getLast());
        assertEquals(3, scripted.stream().filter("forked scripted"::equals).count());
        assertEquals(List.of("finished scripted cancelled", "finished scripted failure", "finished scripted success"),
                scripted.stream().filter(e -> e.startsWith("finished")).sorted().toList());
        assertTrue(events.contains("opened default"), events.toString());
        assertTrue(events.contains("closed default cancelled"), events.toString());
        assertTrue(recorder.durations.stream().allMatch(d -> d >= 0), recorder.durations.toString());
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void failureAndTimeoutOutcomesOfScopes(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        RecordingListener recorder = new RecordingListener();
        try (var _ = Telemetry.register(recorder)) {
            try (var scope = Scope.builder().name("fails").threadFactory(threads).open()) {
                scope.fork(() -> {
                    throw new IllegalStateException("x");
                });
                scope.join();
            } catch (ScopeFailedException expected) {
                // reported below
            }
            try (var scope = Scope.builder().name("late").threadFactory(threads)
                    .timeout(java.time.Duration.ofMillis(10)).open()) {
                scope.fork(new Blocker());
                scope.join();
            } catch (ScopeTimeoutException expected) {
                // reported below
            }
        }
        List<String> events = List.copyOf(recorder.events);
        assertTrue(events.contains("closed fails failure"), events.toString());
        assertTrue(events.contains("closed late timeout"), events.toString());
        assertTrue(events.contains("finished late cancelled"), events.toString());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void daemonsAndTimersAreReportedLikeTasksAndJoinStoppingThemIsACancellation(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        RecordingListener recorder = new RecordingListener();
        try (var _ = Telemetry.register(recorder)) {
            try (var scope = Scope.builder().name("daemons").threadFactory(threads).open()) {
                Blocker background = new Blocker();
                scope.forkDaemon(background);
                scope.scheduleAtFixedRate(java.time.Duration.ZERO, java.time.Duration.ofMillis(1), () -> { });
                background.awaitStarted();
                scope.fork(() -> 1);
                scope.join();
            }
        }
        List<String> scoped = recorder.events.stream().filter(e -> e.contains("daemons")).toList();
        assertEquals(3, scoped.stream().filter("forked daemons"::equals).count());
        assertEquals(List.of("finished daemons cancelled", "finished daemons cancelled", "finished daemons success"),
                scoped.stream().filter(e -> e.startsWith("finished")).sorted().toList());
        assertEquals("closed daemons success", scoped.getLast());
        threads.assertNoneAlive();
    }
}
