package dev.fearless.bridge;

import dev.fearless.internal.Durations;
import java.io.Serializable;
import java.time.Duration;

/**
 * What a {@link VirtualExecutor} with a concurrency limit does with a task submitted while every
 * permit is in use. The policy is chosen explicitly together with the limit, so nobody is
 * surprised by a submitter that silently blocks or by a task that silently waits:
 *
 * <table class="striped">
 *   <caption>Limit policies</caption>
 *   <thead><tr><th>policy</th><th>the submitting thread</th><th>the task</th></tr></thead>
 *   <tbody>
 *     <tr><td>{@link #block()}</td><td>blocks until a permit is free</td>
 *         <td>starts at once with that permit</td></tr>
 *     <tr><td>{@link #blockAtMost(Duration)}</td><td>blocks at most the timeout, then gets a
 *         {@link TaskRejectedException}</td><td>starts at once with that permit</td></tr>
 *     <tr><td>{@link #reject()}</td><td>never blocks: gets a {@link TaskRejectedException} at
 *         once</td><td>starts at once with a free permit</td></tr>
 *     <tr><td>{@link #enqueue()}</td><td>never blocks, never refused for the limit</td>
 *         <td>its own virtual thread waits for a permit, in arrival order</td></tr>
 *   </tbody>
 * </table>
 *
 * <p>The policies are a sealed family of records, so code that reports them can switch over
 * them:
 * <pre>{@code
 * VirtualExecutor executor = VirtualExecutor.builder()
 *         .name("payments")
 *         .limit(32, LimitPolicy.blockAtMost(Duration.ofMillis(200)))
 *         .build();
 * String description = switch (executor.policy()) {
 *     case LimitPolicy.Block b -> "callers wait";
 *     case LimitPolicy.BlockAtMost(Duration timeout) -> "callers wait up to " + timeout;
 *     case LimitPolicy.Reject r -> "callers are refused";
 *     case LimitPolicy.Enqueue e -> "tasks wait";
 *     case null -> "unlimited";
 * };
 * }</pre>
 *
 * <p>Permits are granted in arrival order (a fair {@link java.util.concurrent.Semaphore}): a
 * newly submitted task never overtakes one that is already waiting.
 */
public sealed interface LimitPolicy extends Serializable {

    /**
     * Returns the policy that blocks the submitting thread until a permit is free. An interrupt
     * of the blocked submitter refuses the task with {@link TaskRejectedException.Reason#INTERRUPTED}
     * and keeps the thread's interrupt status set.
     *
     * @return the blocking policy
     */
    static LimitPolicy block() {
        return Block.INSTANCE;
    }

    /**
     * Returns the policy that blocks the submitting thread at most {@code timeout} for a permit,
     * then refuses the task with {@link TaskRejectedException.Reason#TIMED_OUT}.
     *
     * @param timeout the longest a submitter waits; zero does not wait (like {@link #reject()},
     *     but the reason is {@code TIMED_OUT}), and a huge one waits practically forever
     * @return the time-limited blocking policy
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    static LimitPolicy blockAtMost(Duration timeout) {
        return new BlockAtMost(timeout);
    }

    /**
     * Returns the policy that refuses a task at once, with
     * {@link TaskRejectedException.Reason#LIMIT_REACHED}, when no permit is free.
     *
     * @return the rejecting policy
     */
    static LimitPolicy reject() {
        return Reject.INSTANCE;
    }

    /**
     * Returns the policy that accepts every task at once and starts its virtual thread, which
     * then waits for a permit before running the task. The submitter never blocks and the number
     * of waiting tasks is unbounded (each holds a parked virtual thread and the task itself);
     * {@link VirtualExecutor#waiting()} counts them.
     *
     * @return the enqueueing policy
     */
    static LimitPolicy enqueue() {
        return Enqueue.INSTANCE;
    }

    /** Blocks the submitter until a permit is free; see {@link LimitPolicy#block()}. */
    record Block() implements LimitPolicy {
        private static final Block INSTANCE = new Block();

        @Override
        public String toString() {
            return "LimitPolicy.block()";
        }
    }

    /**
     * Blocks the submitter at most {@code timeout}; see {@link LimitPolicy#blockAtMost(Duration)}.
     *
     * @param timeout the longest a submitter waits for a permit, not negative
     */
    record BlockAtMost(Duration timeout) implements LimitPolicy {
        /**
         * Checks the timeout.
         *
         * @param timeout the longest a submitter waits for a permit
         * @throws NullPointerException if {@code timeout} is null
         * @throws IllegalArgumentException if {@code timeout} is negative
         */
        public BlockAtMost {
            Durations.toNanosSaturated(timeout); // the toolkit's timeout rule: null, negative
        }

        @Override
        public String toString() {
            return "LimitPolicy.blockAtMost(" + timeout + ")";
        }
    }

    /** Refuses at once when no permit is free; see {@link LimitPolicy#reject()}. */
    record Reject() implements LimitPolicy {
        private static final Reject INSTANCE = new Reject();

        @Override
        public String toString() {
            return "LimitPolicy.reject()";
        }
    }

    /** Accepts at once; the task's own thread waits for a permit; see {@link LimitPolicy#enqueue()}. */
    record Enqueue() implements LimitPolicy {
        private static final Enqueue INSTANCE = new Enqueue();

        @Override
        public String toString() {
            return "LimitPolicy.enqueue()";
        }
    }
}
