package dev.fearless.scope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.testing.ThreadKind;
import dev.fearless.testing.TrackingFactory;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scopes nested three levels deep (owner, task, grand-task), random policies, failures, explicit
 * and self cancellations, forks from tasks and deadlines, until at least 10,000 tasks were forked.
 * Some scopes limit their concurrency ({@code maxConcurrency}). Afterwards no thread made for any
 * of the scopes is alive, and every task's outcome was reported to its policy exactly once. Run it
 * at a larger scale with {@code -Dstress.scale=N} (N times the tasks; default 1).
 */
@Timeout(600)                                     // a hang guard; -Dstress.scale=N runs N times longer
class ScopeStressTest {

    private static final int MIN_TASKS = 10_000 * Math.max(1, Integer.getInteger("stress.scale", 1));
    private static final int WIDTH = 5;
    private static final int LEAVES = 20;

    private final TrackingFactory threads = ThreadKind.VIRTUAL.tracking();
    private final Set<Task<?>> forked = ConcurrentHashMap.newKeySet();
    private final Map<Task<?>, AtomicInteger> completions = new ConcurrentHashMap<>();
    private final AtomicInteger duplicateForks = new AtomicInteger();

    /** Delegates to a built-in policy and records every onFork and onComplete. */
    private final class Recording implements Policy<String, @Nullable Object> {
        private final Policy<String, ?> delegate;

        Recording(Policy<String, ?> delegate) {
            this.delegate = delegate;
        }

        @Override
        public void onFork(Task<String> task) {
            if (!forked.add(task)) {
                duplicateForks.incrementAndGet();
            }
            delegate.onFork(task);
        }

        @Override
        public boolean onComplete(Task<String> task) {
            assertNotEquals(Task.State.RUNNING, task.state());
            completions.computeIfAbsent(task, t -> new AtomicInteger()).incrementAndGet();
            return delegate.onComplete(task);
        }

        @Override
        public @Nullable Object result() {
            return delegate.result();
        }

        @Override
        public @Nullable Object onTimeout(ScopeTimeoutException timeout) {
            return delegate.onTimeout(timeout);
        }
    }

    @Test
    void nestedScopesWithRandomFailuresCancellationsAndDeadlinesLeaveNothingBehind() throws Exception {
        SplittableRandom seeds = new SplittableRandom(20_251_126L);
        int rounds = 0;
        while (forked.size() < MIN_TASKS) {
            try {
                runScope(1, seeds.nextLong());
            } catch (ScopeFailedException | ScopeTimeoutException | ScopeCancelledException e) {
                // the outermost level may rethrow too
            }
            rounds++;
        }
        threads.assertNoneAlive();
        assertEquals(0, duplicateForks.get(), "a task was reported to onFork twice");
        assertEquals(forked, completions.keySet(), "every forked task completed, and only those");
        Map<Task.State, Integer> outcomes = new EnumMap<>(Task.State.class);
        for (Task<?> task : forked) {
            assertEquals(1, completions.get(task).get(), () -> "outcome of " + task + " seen once");
            assertNotEquals(Task.State.RUNNING, task.state());
            outcomes.merge(task.state(), 1, Integer::sum);
        }
        assertTrue(outcomes.keySet().containsAll(Set.of(Task.State.SUCCEEDED, Task.State.FAILED, Task.State.CANCELLED)),
                outcomes.toString());
        System.out.printf("stress: %d rounds, %d tasks, %d threads, outcomes %s%n",
                rounds, forked.size(), threads.created(), outcomes);
    }

    private String runScope(int depth, long seed) throws InterruptedException {
        SplittableRandom random = new SplittableRandom(seed);
        Policy<String, ?> policy = switch (random.nextInt(3)) {
            case 0 -> Policy.<String>allSuccessful();
            case 1 -> Policy.<String>awaitAll();
            default -> Policy.<String>firstSuccess();
        };
        boolean deadline = depth == 3 ? random.nextBoolean() : random.nextInt(4) == 0;
        Scope.Builder<String, @Nullable Object> builder = Scope.builder().threadFactory(threads).policy(new Recording(policy));
        if (deadline) {
            builder.timeout(Duration.ofMillis(1 + random.nextInt(depth == 3 ? 5 : 30)));
        }
        if (random.nextInt(4) == 0) {
            builder.maxConcurrency(1 + random.nextInt(3));
        }
        try (var scope = builder.open()) {
            int width = depth == 3 ? LEAVES : WIDTH;
            for (int i = 0; i < width; i++) {
                long childSeed = random.nextLong();
                if (depth < 3) {
                    scope.fork(() -> runScope(depth + 1, childSeed));
                } else {
                    scope.fork(() -> leaf(scope, childSeed, deadline));
                }
            }
            if (random.nextInt(40) == 0) {
                scope.cancel();
            }
            try {
                scope.join();
                return "joined";
            } catch (ScopeFailedException | ScopeTimeoutException | ScopeCancelledException e) {
                if (random.nextBoolean()) {
                    throw e;                         // the failure travels up a level
                }
                return "handled " + e.getClass().getSimpleName();
            }
        }
    }

    private static String leaf(Scope<String, ?> scope, long seed, boolean deadline) throws InterruptedException {
        SplittableRandom random = new SplittableRandom(seed);
        int roll = random.nextInt(100);
        if (roll < 50) {
            return "leaf";
        }
        if (roll < 65) {
            throw new IllegalStateException("random failure");
        }
        if (roll < 75 && deadline) {
            new CountDownLatch(1).await();           // only the deadline (or a sibling) ends this
            return "unreachable";
        }
        if (roll < 85) {
            Task.current().orElseThrow().cancel();
            return "cancelled itself";
        }
        if (roll < 87) {
            scope.cancel();
            return "cancelled the scope";
        }
        scope.fork(() -> "forked by a task");
        return "forked a sibling";
    }
}
