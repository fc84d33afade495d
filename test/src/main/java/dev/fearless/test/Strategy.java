package dev.fearless.test;

/**
 * How the explorer picks the next thread at each decision (a step where more than one
 * controlled thread can run).
 *
 * <pre>{@code
 * Explorer.explore(ExploreOptions.defaults().strategy(Strategy.PCT).depth(3), () -> {
 *     // ... start the threads to explore
 * });
 * }</pre>
 */
public enum Strategy {
    /** Each decision picks one of the runnable threads uniformly at random (seeded). */
    RANDOM,
    /**
     * Probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010): every thread gets a
     * random priority, the highest-priority runnable thread runs, and at {@code depth - 1} random
     * steps the running thread's priority drops below all others. A bug of depth {@code d} among
     * {@code n} threads and {@code k} steps is found by one schedule with probability at least
     * {@code 1 / (n * k^(d-1))}.
     */
    PCT,
    /**
     * Depth-first enumeration of every schedule with at most
     * {@link ExploreOptions#preemptionBound() preemptionBound} preemptions (as CHESS and tokio's
     * loom); the exploration stops early once every such schedule has run.
     */
    EXHAUSTIVE
}
