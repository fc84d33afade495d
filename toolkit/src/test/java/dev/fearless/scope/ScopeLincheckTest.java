package dev.fearless.scope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.context.ContextPropagation;
import dev.fearless.scope.Task.State;
import dev.fearless.testing.TrackingFactory;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Interleaving tests: Lincheck explores thread schedules of the scope's state machine (fork CAS,
 * completion countdown, owner park/unpark, cancellation walk, close) and reports lost wake-ups,
 * deadlocks and failed assertions. Lincheck cannot follow virtual threads, so every scope here
 * runs its tasks on platform threads, created with {@code new Thread(task)}: Lincheck 3.7 manages
 * threads made by the Thread constructors but not those made by {@code Thread.ofPlatform()} (it
 * then explores nothing and crashes on {@code Thread.join}), hence {@link #LINCHECK_THREADS}.
 */
@Timeout(120)
class ScopeLincheckTest {

    private static final int INVOCATIONS = 50;

    /** A platform thread factory whose threads Lincheck manages. */
    private static final ThreadFactory LINCHECK_THREADS = Thread::new;

    private static TrackingFactory threads() {
        return new TrackingFactory(LINCHECK_THREADS);
    }

    private static <T, R> Scope<T, R> open(Policy<T, R> policy, ThreadFactory threads) {
        return Scope.builder()
                .threadFactory(threads)
                .context(ContextPropagation.none())  // keep the MDC machinery out of the explored code
                .policy(policy)
                .open();
    }

    private interface Body {
        void run() throws Exception;
    }

    private static void scenario(Body body) {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            try {
                body.run();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void theFirstFailureCancelsTheRest() {
        scenario(() -> {
            TrackingFactory threads = threads();
            IllegalStateException failure = new IllegalStateException("boom");
            CountDownLatch never = new CountDownLatch(1);
            Task<Integer> blocked;
            Task<Integer> failing;
            try (Scope<Integer, Void> scope = open(Policy.allSuccessful(), threads)) {
                blocked = scope.fork(() -> {
                    never.await();                   // only cancellation ends this task
                    return 1;
                });
                failing = scope.fork(() -> {
                    throw failure;
                });
                ScopeFailedException e = assertThrows(ScopeFailedException.class, scope::join);
                assertSame(failure, e.getCause());
            }
            assertEquals(State.CANCELLED, blocked.state());
            assertEquals(State.FAILED, failing.state());
            threads.assertNoneAlive();
        });
    }

    @Test
    void theRaceHasExactlyOneWinnerWhoseResultJoinReturns() {
        scenario(() -> {
            TrackingFactory threads = threads();
            Task<String> a;
            Task<String> b;
            String winner;
            try (Scope<String, String> scope = open(Policy.firstSuccess(), threads)) {
                a = scope.fork(() -> "a");
                b = scope.fork(() -> "b");
                winner = scope.join();
            }
            Task<String> won = winner.equals("a") ? a : b;
            Task<String> lost = won == a ? b : a;
            assertEquals(State.SUCCEEDED, won.state());
            assertTrue(lost.state() == State.SUCCEEDED || lost.state() == State.CANCELLED, lost.toString());
            threads.assertNoneAlive();
        });
    }

    @Test
    void closeRacingWithForksFromChildTasksNeverLeaksAThread() {
        scenario(() -> {
            TrackingFactory threads = threads();
            AtomicInteger accepted = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            AtomicInteger ran = new AtomicInteger();
            Scope<Object, List<Task<Object>>> scope = open(Policy.awaitAll(), threads);
            try {
                scope.fork(() -> {
                    for (int i = 0; i < 2; i++) {
                        try {
                            scope.fork(ran::incrementAndGet);
                            accepted.incrementAndGet();
                        } catch (ScopeClosedException e) {
                            refused.incrementAndGet();
                        }
                    }
                    return null;
                });
            } finally {
                try {
                    scope.close();                   // races with the child's forks; no join on purpose
                } catch (IllegalStateException skippedJoin) {
                    assertTrue(skippedJoin.getMessage().contains("without join()"));
                }
            }
            threads.assertNoneAlive();
            assertTrue(accepted.get() + refused.get() <= 2);
            assertTrue(ran.get() <= accepted.get(), "only accepted forks ran");
            assertInstanceOf(ScopeClosedException.class, assertThrows(ScopeClosedException.class,
                    () -> scope.fork(() -> 1)));
        });
    }

    @Test
    void joinReturnsWhenTheLastTaskEndsWhileADaemonRunsAndStopsTheDaemon() {
        scenario(() -> {
            TrackingFactory threads = threads();
            CountDownLatch never = new CountDownLatch(1);
            Task<Integer> daemon;
            Task<Integer> work;
            try (Scope<Integer, Void> scope = open(Policy.allSuccessful(), threads)) {
                daemon = scope.forkDaemon(() -> {
                    never.await();                   // only join's cancellation ends this daemon
                    return 1;
                });
                work = scope.fork(() -> 2);          // ends while the owner is on its way into join
                scope.join();
            }
            assertEquals(State.CANCELLED, daemon.state());
            assertEquals(State.SUCCEEDED, work.state());
            threads.assertNoneAlive();
        });
    }

    @Test
    void aDaemonForkingWhileJoinStopsTheDaemonsNeverLeaksATask() {
        scenario(() -> {
            TrackingFactory threads = threads();
            AtomicInteger ran = new AtomicInteger();
            AtomicReference<Task<Integer>> child = new AtomicReference<>();
            Task<Integer> daemon;
            try (Scope<Integer, Void> scope = open(Policy.allSuccessful(), threads)) {
                daemon = scope.forkDaemon(() -> {
                    child.set(scope.fork(ran::incrementAndGet));  // races with join setting STOPPING
                    return 0;
                });
                scope.join();
            }
            threads.assertNoneAlive();
            Task<Integer> forked = child.get();
            assertTrue(daemon.state() == State.SUCCEEDED || daemon.state() == State.CANCELLED, daemon.toString());
            if (forked != null) {
                assertTrue(forked.state() == State.SUCCEEDED || forked.state() == State.CANCELLED, forked.toString());
                if (forked.state() == State.SUCCEEDED) {
                    assertEquals(1, ran.get());
                }
            }
        });
    }
}
