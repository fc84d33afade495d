package dev.fearless.lock;

import dev.fearless.internal.Durations;
import dev.fearless.internal.Threads;
import dev.fearless.telemetry.Telemetry;
import dev.fearless.telemetry.TelemetryListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds real deadlocks among {@link RankedLock}s — threads blocked on each other's locks in a
 * cycle — including those of virtual threads, which {@code ThreadMXBean.findDeadlockedThreads()}
 * does not see (JDK-8285196). {@link #findDeadlocks()} looks once; {@link #start(Duration)} starts
 * a watchdog thread that looks periodically and reports each new deadlock once, through slf4j (at
 * ERROR, logger {@code dev.fearless.lock.DeadlockWatchdog}) and
 * {@link TelemetryListener#deadlockDetected}. The watchdog is opt-in and is stopped by
 * {@link #close()}.
 *
 * <pre>{@code
 * try (DeadlockWatchdog watchdog = DeadlockWatchdog.start(Duration.ofSeconds(10))) {
 *     runTheService();
 * }
 * }</pre>
 *
 * <p>What it sees: a thread blocked in an acquisition of a {@link RankedLock} (or re-acquiring
 * one after a condition wait), the thread that holds that lock exclusively, and so on around the
 * cycle. Read holds of an {@link OrderedReadWriteLock} are not attributed to threads by the JDK,
 * so cycles through a read-held lock are not found. A deadlock is reported only when the whole
 * cycle is seen unchanged twice in a row: a real deadlock never changes, so this costs nothing
 * and keeps transient wait chains from being reported.
 *
 * <p>Memory consistency effects: none beyond those of the locks; detection only reads.
 */
public final class DeadlockWatchdog implements AutoCloseable {

    /*
     * Implementation overview: the wait-for graph is built on demand from RankedLock.WAITING
     * (thread -> the lock it waits for, maintained by the contended path only) and each lock's
     * owner. Following thread -> lock -> owner -> lock ... from each waiting thread either ends
     * (an owner that is running) or returns to a thread of the current walk: a cycle. The walk
     * reads a snapshot of WAITING and live owners, so it is checked again (every edge: the
     * thread is still registered for that lock, is queued on it, and the lock's owner is the next
     * thread) before being reported.
     *
     * The watchdog thread parks for the period between scans; close() sets a flag, unparks it
     * and joins it. The set of deadlocks reported by the previous scan is confined to that
     * thread and makes each deadlock reported once while it lasts.
     */

    private static final Logger log = LoggerFactory.getLogger(DeadlockWatchdog.class);

    private final long periodNanos;
    private final Thread thread;
    private volatile boolean closed;
    private volatile boolean accepted; // the factory's thread was checked: it may run the watchdog
    private volatile long scans; // written by the watchdog thread only; read by tests
    private Set<Set<Object>> reportedLastScan = Set.of(); // watchdog thread only

    private DeadlockWatchdog(long periodNanos, ThreadFactory threadFactory) {
        this.periodNanos = periodNanos;
        Thread created = threadFactory.newThread(this::runIfAccepted);
        if (created == null) {
            throw new IllegalStateException("threadFactory refused to create the watchdog thread: " + threadFactory);
        }
        Thread.State state = created.getState();
        if (state != Thread.State.NEW) {
            // it may already be in runIfAccepted: it finds the watchdog not accepted and ends
            throw new IllegalStateException("threadFactory " + threadFactory + " returned " + Threads.describe(created)
                    + " in state " + state + "; a ThreadFactory must return a thread that is not started yet");
        }
        this.thread = created;
        this.accepted = true;
    }

    /**
     * Starts a watchdog on a daemon platform thread named {@code fearless-deadlock-watchdog}. A
     * platform thread is the default because a watchdog must run even when every carrier thread
     * of the virtual-thread scheduler is busy or pinned.
     *
     * @param period how long to wait between scans
     * @return the running watchdog; close it to stop it
     * @throws NullPointerException if {@code period} is null
     * @throws IllegalArgumentException if {@code period} is not positive
     */
    public static DeadlockWatchdog start(Duration period) {
        return start(period, Thread.ofPlatform().name("fearless-deadlock-watchdog").daemon(true).factory());
    }

    /**
     * Starts a watchdog on a thread made by {@code threadFactory}, such as a virtual thread
     * factory.
     *
     * @param period how long to wait between scans
     * @param threadFactory makes the watchdog's thread
     * @return the running watchdog; close it to stop it
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code period} is not positive
     * @throws IllegalStateException if the factory returns no thread, or a thread already
     *     started (against the {@link ThreadFactory} contract); no watchdog then runs
     */
    public static DeadlockWatchdog start(Duration period, ThreadFactory threadFactory) {
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(threadFactory, "threadFactory");
        if (period.isZero()) {
            throw new IllegalArgumentException("period must be positive: " + period);
        }
        long periodNanos = Durations.toNanosSaturated(period, "period"); // IAE if negative; saturates
        DeadlockWatchdog watchdog = new DeadlockWatchdog(periodNanos, threadFactory);
        watchdog.thread.start();
        return watchdog;
    }

    /**
     * Looks for deadlocks once, on the calling thread.
     *
     * @return the deadlocks found, each cycle once; empty if there is none
     */
    public static List<Deadlock> findDeadlocks() {
        Map<Thread, RankedLock> waits = new HashMap<>(RankedLock.WAITING);
        List<Deadlock> found = new ArrayList<>();
        Set<Thread> done = new HashSet<>();
        for (Thread start : waits.keySet()) {
            List<Thread> path = new ArrayList<>();
            Map<Thread, Integer> position = new HashMap<>();
            Thread thread = start;
            while (thread != null && !done.contains(thread) && !position.containsKey(thread)) {
                RankedLock lock = waits.get(thread);
                if (lock == null) {
                    break;
                }
                position.put(thread, path.size());
                path.add(thread);
                thread = lock.owner();
            }
            if (thread != null && position.containsKey(thread)) {
                List<Thread> threads = List.copyOf(path.subList(position.get(thread), path.size()));
                List<RankedLock> locks = threads.stream().map(waits::get).toList();
                if (stillBlocked(threads, locks)) {
                    Thread.yield();
                    if (stillBlocked(threads, locks)) {
                        found.add(new Deadlock(threads, locks, Reports.deadlock(threads, locks)));
                    }
                }
            }
            done.addAll(path);
        }
        return found;
    }

    private static boolean stillBlocked(List<Thread> threads, List<RankedLock> locks) {
        for (int i = 0; i < threads.size(); i++) {
            Thread thread = threads.get(i);
            RankedLock lock = locks.get(i);
            if (RankedLock.WAITING.get(thread) != lock || !lock.isQueued(thread)
                    || lock.owner() != threads.get((i + 1) % threads.size())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Returns the time between scans.
     *
     * @return the period
     */
    public Duration period() {
        return Duration.ofNanos(periodNanos);
    }

    /**
     * Returns the watchdog's thread, for tests and monitoring.
     *
     * @return the thread the watchdog runs on
     */
    public Thread thread() {
        return thread;
    }

    /**
     * Stops the watchdog and waits for its thread to end; a second call does nothing. If the
     * calling thread is interrupted while waiting, it keeps waiting and its interrupt status is
     * set again on return.
     */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        if (Thread.currentThread() == thread) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void runIfAccepted() {
        if (accepted) {
            run();
        }
    }

    private void run() {
        while (!closed) {
            LockSupport.parkNanos(this, periodNanos);
            if (closed) {
                break;
            }
            try {
                scan();
            } catch (Throwable e) { // even an error: the watchdog runs until close()
                log.error("Deadlock watchdog scan failed; retrying in {} ms", periodNanos / 1_000_000, e);
            }
        }
    }

    /** Reports the deadlocks not reported by the previous scan. */
    void scan() {
        Set<Set<Object>> current = new HashSet<>();
        for (Deadlock deadlock : findDeadlocks()) {
            Set<Object> key = key(deadlock);
            current.add(key);
            if (!reportedLastScan.contains(key)) {
                log.error("{}", deadlock.report());
                TelemetryListener listener = Telemetry.listener();
                if (listener != null) {
                    try {
                        listener.deadlockDetected(deadlock.lockLabels(), deadlock.report());
                    } catch (Throwable e) { // a listener's VirtualMachineError: the other deadlocks are still reported
                        log.error("A telemetry listener failed on deadlockDetected", e);
                    }
                }
            }
        }
        reportedLastScan = current;
        scans++;
    }

    /** How many scans have completed; for tests. */
    long scans() {
        return scans;
    }

    /** The same cycle found from another thread is the same deadlock: key it by its members. */
    private static Set<Object> key(Deadlock deadlock) {
        Set<Object> members = new HashSet<>(deadlock.threads());
        members.addAll(deadlock.locks());
        return members;
    }

    /**
     * Returns a description with the period and state.
     *
     * @return a description for logs
     */
    @Override
    public String toString() {
        return "DeadlockWatchdog[period=" + period() + (closed ? ", closed]" : ", running on " + thread + "]");
    }
}
