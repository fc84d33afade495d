package dev.fearless.test;

/**
 * The code that the explorer runs once per schedule, in a controlled virtual thread named
 * {@code main}. It starts its other threads through {@link Explorer#threadFactory()} (directly,
 * or by passing it to a {@code Scope} or {@code VirtualExecutor} builder), waits for them, and
 * checks its invariants: an exception thrown from here, or uncaught in any controlled thread,
 * fails the schedule.
 *
 * <pre>{@code
 * Scenario lostUpdate = () -> {
 *     int[] counter = {0};
 *     Runnable increment = () -> { int v = counter[0]; Explorer.point("read"); counter[0] = v + 1; };
 *     Thread a = Explorer.threadFactory().newThread(increment);
 *     Thread b = Explorer.threadFactory().newThread(increment);
 *     a.start(); b.start(); a.join(); b.join();
 *     if (counter[0] != 2) throw new AssertionError("lost update: " + counter[0]);
 * };
 * }</pre>
 */
@FunctionalInterface
public interface Scenario {
    /**
     * Runs the scenario once.
     *
     * @throws Exception to fail the schedule
     */
    void run() throws Exception;
}
