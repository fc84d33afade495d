package dev.fearless.lock;

import java.util.List;
import java.util.Objects;

/**
 * A real deadlock among {@link RankedLock}s, found by {@link DeadlockWatchdog}: thread
 * {@code threads().get(i)} waits for lock {@code locks().get(i)}, which is held by
 * {@code threads().get(i + 1)} (and the last thread waits for a lock the first one holds).
 *
 * <pre>{@code
 * for (Deadlock deadlock : DeadlockWatchdog.findDeadlocks()) {
 *     log.error(deadlock.report());
 *     deadlock.threads().getFirst().interrupt();   // breaks it if that thread waits interruptibly
 * }
 * }</pre>
 *
 * @param threads the threads of the cycle, each waiting for the next one's lock
 * @param locks the lock each thread waits for
 * @param report a human-readable report: threads, locks and the waiting threads' stacks
 */
public record Deadlock(List<Thread> threads, List<RankedLock> locks, String report) {

    /**
     * Creates a deadlock description.
     *
     * @param threads the threads of the cycle
     * @param locks the lock each thread waits for, as many as threads
     * @param report the report
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the lists differ in size or are empty
     */
    public Deadlock {
        threads = List.copyOf(threads);
        locks = List.copyOf(locks);
        Objects.requireNonNull(report, "report");
        if (threads.isEmpty() || threads.size() != locks.size()) {
            throw new IllegalArgumentException("threads and locks must be non-empty and as many: "
                    + threads.size() + " threads, " + locks.size() + " locks");
        }
    }

    /**
     * Returns the labels of the locks of the cycle ({@code name#rank}).
     *
     * @return an unmodifiable list, in the order of {@link #locks()}
     */
    public List<String> lockLabels() {
        return locks.stream().map(lock -> lock.ranking.label()).toList();
    }
}
