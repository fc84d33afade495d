package dev.fearless.scope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.testing.Blocker;
import dev.fearless.testing.ThreadKind;
import dev.fearless.testing.TrackingFactory;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Rule 9: all, race, withTimeout and parallelMap. The public methods use virtual threads; the
 * package-private overloads they delegate to take the thread factory, so both kinds are covered.
 */
@Timeout(30)
class ConveniencesTest {

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void allReturnsResultsInTaskOrderWhateverTheCompletionOrder(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        CountDownLatch lastDone = new CountDownLatch(1);
        List<Callable<String>> tasks = List.of(
                () -> {
                    lastDone.await();                // the first task finishes last
                    return "first";
                },
                () -> null,
                () -> {
                    lastDone.countDown();
                    return "third";
                });
        assertEquals(Arrays.asList("first", null, "third"), Scope.all(tasks, threads));
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void allFailsWithTheFirstFailureAndCancelsTheOthers(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Blocker blocker = new Blocker();
        IOException failure = new IOException("down");
        ScopeFailedException e = assertThrows(ScopeFailedException.class, () -> Scope.all(List.<Callable<Integer>>of(
                blocker,
                () -> {
                    blocker.awaitStarted();
                    throw failure;
                }), threads));
        assertSame(failure, e.getCause());
        assertTrue(blocker.interrupted());
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void raceReturnsTheFirstSuccessAndInterruptsTheLosers(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Blocker slow = new Blocker();
        Integer winner = Scope.race(List.<Callable<Integer>>of(
                slow,
                () -> {
                    throw new IllegalStateException("a failure does not win");
                },
                () -> {
                    slow.awaitStarted();
                    return 7;
                }), threads);
        assertEquals(7, winner);
        assertTrue(slow.interrupted());
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void raceWhereEveryTaskFailsReportsAllFailures(ThreadKind kind) {
        TrackingFactory threads = kind.tracking();
        ScopeFailedException e = assertThrows(ScopeFailedException.class, () -> Scope.race(List.<Callable<Integer>>of(
                () -> {
                    throw new IOException("a");
                },
                () -> {
                    throw new IOException("b");
                }), threads));
        assertEquals(1, e.getSuppressed().length);
        assertInstanceOf(IOException.class, e.getCause());
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void everyConvenienceRunsItsTasksOnThreadsOfTheGivenFactory(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Set<Thread> ran = ConcurrentHashMap.newKeySet();
        Callable<Thread> record = () -> {
            ran.add(Thread.currentThread());
            return Thread.currentThread();
        };
        Scope.all(List.of(record, record), threads);
        Scope.race(List.of(record), threads);
        Scope.raceResult(List.of(record), threads);
        Scope.withTimeout(Duration.ofMinutes(5), record, threads);
        Scope.parallelMap(List.of(1, 2), 2, i -> record.call(), threads);
        assertEquals(7, ran.size(), "one thread per task");
        assertTrue(threads.threads().containsAll(ran), "every task ran on a thread of the factory");
        assertTrue(ran.stream().allMatch(kind::isKindOf));
        assertEquals(8, threads.created(), "the seven tasks and withTimeout's deadline thread");
        threads.assertNoneAlive();
    }

    @Test
    void aNullThreadFactoryIsRejected() {
        List<Callable<Integer>> tasks = List.of(() -> 1);
        assertEquals("threadFactory", assertThrows(NullPointerException.class,
                () -> Scope.all(tasks, null)).getMessage());
        assertEquals("threadFactory", assertThrows(NullPointerException.class,
                () -> Scope.race(tasks, null)).getMessage());
        assertEquals("threadFactory", assertThrows(NullPointerException.class,
                () -> Scope.raceResult(tasks, null)).getMessage());
        assertEquals("threadFactory", assertThrows(NullPointerException.class,
                () -> Scope.withTimeout(Duration.ofSeconds(1), () -> 1, null)).getMessage());
        assertEquals("threadFactory", assertThrows(NullPointerException.class,
                () -> Scope.parallelMap(List.of(1), 1, i -> i, null)).getMessage());
    }

    @Test
    void theVarargsRaceAndItsArgumentChecks() throws Exception {
        assertEquals("b", Scope.race(() -> {
            new CountDownLatch(1).await();
            return "a";
        }, () -> "b"));
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> Scope.race(List.of()));
        assertTrue(empty.getMessage().contains("at least one"), empty.getMessage());
        NullPointerException nullTask = assertThrows(NullPointerException.class,
                () -> Scope.race(Arrays.asList(() -> 1, null)));
        assertEquals("tasks[1]", nullTask.getMessage());
        assertEquals("tasks[0]", assertThrows(NullPointerException.class,
                () -> Scope.all(Arrays.asList((Callable<Integer>) null))).getMessage());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void withTimeoutReturnsTheResultOrCancelsWhenTheTimeoutPasses(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        assertEquals("quick", Scope.withTimeout(Duration.ofMinutes(5), () -> "quick", threads));
        Blocker blocker = new Blocker();
        assertThrows(ScopeTimeoutException.class, () -> Scope.withTimeout(Duration.ofMillis(20), blocker, threads));
        IOException failure = new IOException("nope");
        ScopeFailedException e = assertThrows(ScopeFailedException.class, () -> Scope.withTimeout(
                Duration.ofMinutes(5), () -> {
                    throw failure;
                }, threads));
        assertSame(failure, e.getCause());
        threads.assertNoneAlive();
        AtomicBoolean ran = new AtomicBoolean();
        assertThrows(ScopeTimeoutException.class, () -> Scope.withTimeout(Duration.ZERO, () -> ran.getAndSet(true)));
        assertFalse(ran.get(), "a zero timeout has expired before the task could start");
        assertThrows(IllegalArgumentException.class, () -> Scope.withTimeout(Duration.ofNanos(-1), () -> 1));
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void parallelMapKeepsInputOrderAndRunsAtMostNAtOnce_reachingN(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        int limit = 4;
        List<Integer> inputs = IntStream.range(0, 64).boxed().toList();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        CountDownLatch firstWave = new CountDownLatch(limit);  // the first N only finish once N run together
        List<String> results = Scope.parallelMap(inputs, limit, i -> {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                if (i < limit) {
                    firstWave.countDown();
                    firstWave.await();
                }
                return "r" + i;
            } finally {
                running.decrementAndGet();
            }
        }, threads);
        assertEquals(inputs.stream().map(i -> "r" + i).toList(), results);
        assertEquals(limit, maxRunning.get(), "at most N ran at once, and N did");
        assertEquals(inputs.size(), threads.created());
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void parallelMapStopsForkingAfterAFailure(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        List<Integer> inputs = IntStream.range(0, 1000).boxed().toList();
        List<Integer> started = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch never = new CountDownLatch(1);
        ScopeFailedException e = assertThrows(ScopeFailedException.class, () -> Scope.parallelMap(inputs, 2, i -> {
            started.add(i);
            if (i == 3) {
                throw new IOException("input 3 is bad");
            }
            if (i > 3) {
                never.await();      // holds its permit until the failure cancels it
            }
            return i;
        }, threads));
        assertEquals("input 3 is bad", e.getCause().getMessage());
        // 0-3 end on their own; later inputs hold their permits until cancelled, so at most the one
        // started before 3 failed and the one forked with 3's returned permit ran: none after that.
        assertTrue(started.size() <= 6, "forking stopped after the failure: " + started);
        threads.assertNoneAlive();
    }

    @Test
    void parallelMapValidatesItsArguments() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> Scope.parallelMap(List.of(1), 0, i -> i));
        assertEquals("maxConcurrency must be positive: 0", zero.getMessage());
        assertEquals("inputs", assertThrows(NullPointerException.class,
                () -> Scope.parallelMap(null, 1, i -> i)).getMessage());
        assertEquals("mapper", assertThrows(NullPointerException.class,
                () -> Scope.parallelMap(List.of(1), 1, null)).getMessage());
    }
}
