package dev.fearless.scope;

import static dev.fearless.testing.TaskAssertions.assertState;
import static dev.fearless.testing.ThreadKind.assertNamesCurrentThread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.scope.Task.State;
import dev.fearless.testing.Blocker;
import dev.fearless.testing.ThreadKind;
import dev.fearless.testing.TrackingFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Daemon tasks: join does not wait for them but cancels them; they never outlive the scope. */
@Timeout(30)
class DaemonTest {

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void joinReturnsOnceTheOtherTasksEndAndCancelsTheDaemon(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Blocker background = new Blocker();
        try (var scope = Scope.builder().threadFactory(threads).open()) {
            Task<Integer> daemon = scope.forkDaemon(background);
            background.awaitStarted();
            Task<Integer> work = scope.fork(() -> 42);
            assertNull(scope.join());                // returns although the daemon never ends by itself
            assertState(State.SUCCEEDED, work);
            assertState(State.CANCELLED, daemon);
            assertTrue(background.interrupted());
            threads.assertNoneAlive();               // join waited for the daemon's thread
            assertTrue(daemon.toString().contains("daemon"), daemon.toString());
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void joinWithOnlyDaemonsStopsThem(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Blocker background = new Blocker();
        try (var scope = Scope.builder().threadFactory(threads).open()) {
            Task<Integer> daemon = scope.forkDaemon(background);
            scope.join();
            assertState(State.CANCELLED, daemon);
        }
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void closeWithoutJoinCancelsDaemonsAndWaitsForThem(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Blocker background = new Blocker();
        Task<Integer> daemon;
        var scope = Scope.builder().threadFactory(threads).open();
        try {
            daemon = scope.forkDaemon(background);
            background.awaitStarted();
        } finally {
            IllegalStateException e = assertThrows(IllegalStateException.class, scope::close);
            assertTrue(e.getMessage().contains("without join()"), e.getMessage());
        }
        assertState(State.CANCELLED, daemon);
        assertTrue(background.interrupted());
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void theDeadlineCancelsDaemonsToo(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Blocker background = new Blocker();
        Blocker slow = new Blocker();
        try (var scope = Scope.builder().threadFactory(threads).timeout(Duration.ofMillis(20)).open()) {
            Task<Integer> daemon = scope.forkDaemon(background);
            Task<Integer> work = scope.fork(slow);
            assertThrows(ScopeTimeoutException.class, scope::join);
            assertState(State.CANCELLED, daemon);
            assertState(State.CANCELLED, work);
        }
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aFailingDaemonFailsTheScope(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        IllegalStateException failure = new IllegalStateException("heartbeat lost");
        Blocker work = new Blocker();
        try (var scope = Scope.builder().threadFactory(threads).open()) {
            Task<Integer> blocked = scope.fork(work);
            Task<Object> daemon = scope.forkDaemon(() -> {
                work.awaitStarted();
                throw failure;
            });
            ScopeFailedException e = assertThrows(ScopeFailedException.class, scope::join);
            assertSame(failure, e.getCause());
            assertState(State.FAILED, daemon);
            assertState(State.CANCELLED, blocked);   // the daemon's failure cancelled the real work
        }
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aTaskMayForkADaemon(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Blocker background = new Blocker();
        AtomicReference<Task<Integer>> daemon = new AtomicReference<>();
        try (var scope = Scope.builder().threadFactory(threads).open()) {
            scope.fork(() -> {
                daemon.set(scope.forkDaemon(background));
                background.awaitStarted();
                return 1;
            });
            scope.join();
            assertState(State.CANCELLED, daemon.get());
            assertTrue(background.interrupted());
        }
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void joinWaitsForTasksThatADaemonForks(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        CountDownLatch forked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Task<String>> child = new AtomicReference<>();
        try (var scope = Scope.builder().threadFactory(threads).open()) {
            scope.fork(() -> {
                forked.await();                      // the daemon's child is counted before this ends
                release.countDown();
                return "first";
            });
            scope.forkDaemon(() -> {
                child.set(scope.fork(() -> {
                    release.await();
                    return "child";
                }));
                forked.countDown();
                new CountDownLatch(1).await();       // until join cancels it
                return null;
            });
            scope.join();
            assertState(State.SUCCEEDED, child.get());
            assertEquals("child", child.get().get());
        }
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void firstSuccessIgnoresTheDaemonThatJoinCancels(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Blocker background = new Blocker();
        try (var scope = Scope.builder().threadFactory(threads).policy(Policy.<String>firstSuccess()).open()) {
            Task<String> daemon = scope.forkDaemon(() -> {
                background.call();
                return "daemon";
            });
            background.awaitStarted();
            scope.fork(() -> "winner");
            assertEquals("winner", scope.join());
            assertState(State.CANCELLED, daemon);
        }
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void firstSuccessReportsNoWinnerWhenOnlyTheDaemonWasLeft(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        IllegalStateException failure = new IllegalStateException("no quote");
        try (var scope = Scope.builder().threadFactory(threads).policy(Policy.<String>firstSuccess()).open()) {
            Blocker background = new Blocker();
            scope.forkDaemon(() -> {
                background.call();
                return "daemon";
            });
            scope.fork(() -> {
                throw failure;
            });
            ScopeFailedException e = assertThrows(ScopeFailedException.class, scope::join);
            assertSame(failure, e.getCause());       // the daemon cancelled by join is not a failure
        }
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void awaitAllListsTheDaemonAsCancelled(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Blocker background = new Blocker();
        try (var scope = Scope.builder().threadFactory(threads).policy(Policy.<Integer>awaitAll()).open()) {
            Task<Integer> daemon = scope.forkDaemon(background);
            Task<Integer> a = scope.fork(() -> 1);
            Task<Integer> b = scope.fork(() -> 2);
            List<Task<Integer>> tasks = scope.join();
            assertEquals(List.of(daemon, a, b), tasks);
            assertState(State.CANCELLED, daemon);
            assertState(State.SUCCEEDED, a);
            assertState(State.SUCCEEDED, b);
        }
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void cancellingTheScopeCancelsDaemons(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Blocker background = new Blocker();
        Blocker work = new Blocker();
        try (var scope = Scope.builder().threadFactory(threads).open()) {
            Task<Integer> daemon = scope.forkDaemon(background);
            Task<Integer> blocked = scope.fork(work);
            background.awaitStarted();
            work.awaitStarted();
            scope.cancel();
            assertThrows(ScopeCancelledException.class, scope::join);
            assertState(State.CANCELLED, daemon);
            assertState(State.CANCELLED, blocked);
        }
        assertTrue(background.interrupted());
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void cancellingADaemonAloneLeavesTheScopeUnharmed(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Blocker background = new Blocker();
        Blocker work = new Blocker();
        try (var scope = Scope.builder().threadFactory(threads).policy(Policy.<Integer>allSuccessful()).open()) {
            Task<Integer> daemon = scope.forkDaemon(background);
            background.awaitStarted();
            daemon.cancel();
            Task<Integer> done = scope.fork(() -> 7);
            scope.join();
            assertState(State.CANCELLED, daemon);
            assertEquals(7, done.get());
            assertTrue(background.interrupted() || !work.started());
        }
        threads.assertNoneAlive();
    }

    @Test
    void forkDaemonFollowsTheStructureRules() throws Exception {
        var scope = Scope.open();
        scope.join();
        ScopeClosedException afterJoin = assertThrows(ScopeClosedException.class, () -> scope.forkDaemon(() -> 1));
        assertNamesCurrentThread(afterJoin);
        scope.close();
        ScopeClosedException afterClose = assertThrows(ScopeClosedException.class, () -> scope.forkDaemon(() -> { }));
        assertNamesCurrentThread(afterClose);
        assertThrows(NullPointerException.class, () -> scope.forkDaemon((Runnable) null));

        try (var open = Scope.open()) {
            AtomicReference<Throwable> foreign = new AtomicReference<>();
            Thread stranger = Thread.ofPlatform().start(() -> {
                try {
                    open.forkDaemon(() -> 1);
                } catch (Throwable e) {
                    foreign.set(e);
                }
            });
            stranger.join();
            assertTrue(foreign.get() instanceof WrongThreadException, String.valueOf(foreign.get()));
            assertTrue(foreign.get().getMessage().contains("#" + stranger.threadId()), foreign.get().getMessage());
            open.join();
        }
    }

    @Test
    void aDaemonForkedIntoACancelledScopeNeverRuns() throws Exception {
        try (var scope = Scope.open()) {
            scope.cancel();
            Task<Object> daemon = scope.forkDaemon(() -> {
                throw new AssertionError("must not run");
            });
            assertState(State.CANCELLED, daemon);
            assertThrows(ScopeCancelledException.class, scope::join);
        }
    }
}
