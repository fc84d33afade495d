package dev.fearless.test;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * One schedule: the controlled threads, the loop that runs one continuation at a time on the
 * driver thread (their only carrier), and what happened. Everything except {@link #submit} from
 * a foreign thread and the fields read by the watchdog runs on the driver thread, one step after
 * another, so it needs no synchronisation.
 */
final class Run {

    /** What a schedule recorded for each step. */
    record Step(String thread, String event, boolean decision, boolean preempted) {}

    /** How a schedule ended badly. */
    record Outcome(ExplorationFailure.Kind kind, String message, @Nullable Throwable cause) {
        /** Two outcomes are "the same failure" when kind and exception type agree. */
        String key() {
            return kind + ":" + (cause == null ? "" : cause.getClass().getName());
        }
    }

    private static final ThreadLocal<Controlled> CURRENT = new ThreadLocal<>();
    /** How long the driver waits for a foreign wake-up before calling a deadlock a deadlock. */
    private static final long DEADLOCK_GRACE_NANOS = 50_000_000L;
    /** How often a driver waiting for an outside wake-up also looks at the threads' ready flags. */
    private static final long READY_POLL_NANOS = 10_000_000L;
    /**
     * Fairness: a thread that ran this many steps in a row and can still run (it spins through
     * scheduling points) is passed over once, so that spin-waits terminate under every strategy.
     * Such a switch is not counted as a preemption.
     */
    static final int SPIN_LIMIT = 64;

    final ExploreOptions options;
    final Chooser chooser;
    final Thread driver;
    final List<Controlled> threads = new ArrayList<>();
    final List<Integer> decisions = new ArrayList<>();
    final List<Step> trace = new ArrayList<>();
    private final ConcurrentLinkedQueue<Controlled> foreign = new ConcurrentLinkedQueue<>();
    private final Map<Object, String> blockers = new IdentityHashMap<>();
    private final List<Controlled> ready = new ArrayList<>();

    /** The mounted virtual thread, or null between steps. Read by submit on the same carrier. */
    private volatile @Nullable Thread running;
    /** Wall-clock start of the current step, 0 between steps; read by the watchdog. */
    volatile long stepStarted;
    volatile @Nullable Controlled current;
    volatile boolean finished;
    int steps;
    int preemptions;
    int outsideWakeups;
    @Nullable Outcome outcome;
    private int alive;
    private int runLength;
    /** Virtual time: what the clock read when the schedule began, and how far it has advanced since. */
    private final long baseNanos = System.nanoTime();
    private final java.time.Instant baseInstant = java.time.Instant.now();
    private long elapsedNanos;
    private long timers;

    /** Whether parks are described from the thread's stack (costly: used to re-run a reported schedule). */
    private final boolean verbose;

    Run(ExploreOptions options, Chooser chooser, boolean verbose) {
        this.options = options;
        this.chooser = chooser;
        this.verbose = verbose;
        this.driver = Thread.currentThread();
    }

    /** The controlled thread running now, or null if the caller is not one. */
    static @Nullable Controlled current() {
        return CURRENT.get();
    }

    /** Creates an unstarted controlled thread; called by main or another controlled thread. */
    Thread newThread(Runnable task, @Nullable String name) {
        Controlled controlled = new Controlled(this, threads.size(), name != null ? name : "T" + threads.size());
        Thread thread = VirtualThreads.builder(controlled).name(controlled.name).unstarted(() -> body(controlled, task));
        controlled.thread = thread;
        threads.add(controlled);
        chooser.threadCreated(controlled);
        return thread;
    }

    private void body(Controlled controlled, Runnable task) {
        CURRENT.set(controlled);
        try {
            task.run();
        } catch (Throwable thrown) {
            Throwable failure = thrown instanceof ScenarioException carried && carried.getCause() != null
                    ? carried.getCause() : thrown;
            if (outcome == null) {
                String where = controlled.index == 0 ? "the scenario failed" : controlled.name + " threw";
                outcome = new Outcome(ExplorationFailure.Kind.FAILED, where + ": " + failure, failure);
            }
        } finally {
            controlled.done = true;
        }
    }

    /** The JDK made {@code controlled} runnable: called on the carrier, or from a foreign thread. */
    void submit(Controlled controlled, Runnable continuation) {
        controlled.continuation = continuation;
        if (finished) {
            return; // an abandoned schedule: the thread never runs again
        }
        Thread caller = Thread.currentThread();
        if (caller == driver || caller == running) {
            if (!controlled.started) {
                controlled.started = true; // Thread.start: a thread made but never started does not count
                alive++;
            }
            controlled.ready = true;
        } else {
            foreign.add(controlled);
            LockSupport.unpark(driver);
        }
    }

    /** The virtual clock of this schedule, as {@link System#nanoTime()}. */
    long nanoTime() {
        return baseNanos + elapsedNanos;
    }

    /** The virtual clock of this schedule, as {@link java.time.Instant#now()}. */
    java.time.Instant now() {
        return baseInstant.plusNanos(elapsedNanos);
    }

    /**
     * A timed park of a controlled thread: registers a virtual timer and parks untimed, so that
     * the thread waits inside the model; {@link #fireTimers()} wakes it when its time comes.
     */
    void parkNanos(Controlled thread, Object blocker, long nanos) {
        long now = nanoTime();
        thread.wakeAt = now + Math.min(nanos, dev.fearless.internal.Durations.MAX_NANOS);
        thread.timerSeq = timers++;
        thread.timed = true;
        try {
            LockSupport.park(blocker);
        } finally {
            thread.timed = false;
        }
    }

    /**
     * No controlled thread can run: advances virtual time to the earliest pending timed park and
     * wakes every thread whose timer is due then (ties become runnable together, so the strategy
     * decides their order). Returns false when no timer is pending.
     */
    private boolean fireTimers() {
        long earliest = Long.MAX_VALUE;
        boolean any = false;
        for (Controlled thread : threads) {
            if (thread.timed && thread.started && !thread.done && !thread.ready) {
                if (!any || thread.wakeAt - earliest < 0L) {
                    earliest = thread.wakeAt;
                }
                any = true;
            }
        }
        if (!any) {
            return false;
        }
        List<Controlled> due = new ArrayList<>();
        for (Controlled thread : threads) {
            if (thread.timed && thread.started && !thread.done && !thread.ready && thread.wakeAt == earliest) {
                due.add(thread);
            }
        }
        due.sort(java.util.Comparator.comparingLong(thread -> thread.timerSeq));
        if (earliest - nanoTime() > 0L) {
            elapsedNanos = earliest - baseNanos;
        }
        for (Controlled thread : due) {
            thread.timed = false;
            trace.add(new Step(thread.name, "timed wait ends at virtual time +"
                    + java.time.Duration.ofNanos(elapsedNanos), false, false));
            LockSupport.unpark(thread.thread()); // on the driver: submit marks it ready
        }
        return true;
    }

    /** Runs the scenario under this schedule to its end, or to its first failure. */
    void execute(Scenario scenario) {
        Thread main = newThread(() -> {
            try {
                scenario.run();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new ScenarioException(e);
            }
        }, "main");
        main.start();
        Controlled last = null;
        try {
            while (outcome == null) {
                drainForeign();
                collectReady();
                if (ready.isEmpty() && fireTimers()) {
                    continue;
                }
                if (ready.isEmpty()) {
                    if (alive == 0 || !waitOutside()) {
                        break;
                    }
                    continue;
                }
                if (steps >= options.maxSteps()) {
                    outcome = new Outcome(ExplorationFailure.Kind.DID_NOT_TERMINATE, "did not terminate within "
                            + options.maxSteps() + " steps (a livelock, or a loop through scheduling points)\n"
                            + describeThreads(), null);
                    break;
                }
                chooser.beforeStep(last, steps + 1);
                Controlled next;
                boolean fair = false;
                if (last != null && runLength >= SPIN_LIMIT && ready.size() > 1 && ready.remove(last)) {
                    fair = true;
                }
                boolean decision = ready.size() > 1;
                boolean preempted = false;
                if (decision) {
                    next = chooser.choose(List.copyOf(ready), last, decisions.size());
                    if (next == null) {
                        outcome = new Outcome(ExplorationFailure.Kind.REPLAY_DIVERGED, "the scenario no longer follows"
                                + " the recorded schedule at decision " + (decisions.size() + 1) + ": the recorded"
                                + " thread cannot run (ready: " + ready + "); the code changed, or it is not"
                                + " deterministic (see \"What is controlled\" in docs/testing.md)", null);
                        break;
                    }
                    decisions.add(next.index);
                    preempted = !fair && last != null && last != next && ready.contains(last);
                    if (preempted) {
                        preemptions++;
                    }
                } else {
                    next = ready.get(0);
                }
                runLength = next == last ? runLength + 1 : 1;
                if (fair) {
                    trace.add(new Step(java.util.Objects.requireNonNull(last).name, "ran " + SPIN_LIMIT
                            + " steps in a row: passed over once (fairness)", false, false));
                }
                step(next, decision, preempted);
                last = next;
            }
        } finally {
            finished = true;
        }
    }

    private void step(Controlled next, boolean decision, boolean preempted) {
        next.ready = false;
        Runnable continuation = java.util.Objects.requireNonNull(next.continuation);
        next.continuation = null;
        current = next;
        running = next.thread;
        stepStarted = System.nanoTime();
        steps++;
        try {
            continuation.run();
        } finally {
            running = null;
            stepStarted = 0L;
            current = null;
        }
        String event;
        if (next.done) {
            alive--;
            event = "ends";
        } else if (next.label != null) {
            event = next.toolkitPoint ? next.label : "point \"" + next.label + "\"";
            next.label = null;
            next.toolkitPoint = false;
        } else if (next.ready) {
            event = "yields";
        } else {
            Object blocker = LockSupport.getBlocker(next.thread());
            event = blocker == null ? "parks" : "parks on " + blocker(blocker);
            if (verbose) {
                StackTraceElement[] stack = next.thread().getStackTrace();
                String user = Stacks.userFrame(stack);
                event = "parks in " + Stacks.operation(stack) + (blocker == null ? "" : " on " + blocker(blocker))
                        + (user == null ? "" : ", at " + user);
            }
        }
        trace.add(new Step(next.name, event, decision, preempted));
    }

    private String blocker(Object blocker) {
        return blockers.computeIfAbsent(blocker, b -> {
            String type = b.getClass().getName();
            type = type.substring(type.lastIndexOf('.') + 1);
            return type + "#" + (blockers.size() + 1);
        });
    }

    private void drainForeign() {
        Controlled woken;
        while ((woken = foreign.poll()) != null) {
            if (!woken.ready) {
                if (!woken.started) {
                    woken.started = true;
                    alive++;
                }
                woken.ready = true;
                outsideWakeups++;
                trace.add(new Step(woken.name, "woken from outside the explorer", false, false));
            }
        }
    }

    /** Whether a thread became runnable by a path other than the foreign queue (seen in CI: rare). */
    private boolean anyReady() {
        for (Controlled thread : threads) {
            if (thread.ready) {
                return true;
            }
        }
        return false;
    }

    private void collectReady() {
        ready.clear();
        for (Controlled thread : threads) {
            if (thread.ready) {
                ready.add(thread);
            }
        }
    }

    /**
     * No controlled thread can run. Waits for a wake-up from outside the model; true if one came.
     * Otherwise records a deadlock (everything waits inside the model) or an uncontrolled block.
     */
    private boolean waitOutside() {
        List<String> outside = new ArrayList<>();
        for (Controlled thread : threads) {
            if (thread.started && !thread.done) {
                String why = outsideReason(thread.thread());
                if (why != null) {
                    outside.add(thread.name + " " + why);
                }
            }
        }
        long wait = outside.isEmpty() ? DEADLOCK_GRACE_NANOS : options.uncontrolledTimeout().toNanos();
        long deadline = System.nanoTime() + wait;
        while (foreign.isEmpty() && !anyReady()) {
            long left = deadline - System.nanoTime();
            if (left <= 0L) {
                break;
            }
            LockSupport.parkNanos(this, Math.min(left, READY_POLL_NANOS));
        }
        if (!foreign.isEmpty() || anyReady()) {
            return true;
        }
        if (outside.isEmpty()) {
            outcome = new Outcome(ExplorationFailure.Kind.DEADLOCK, "deadlock: no controlled thread can run, and"
                    + " none waits for anything outside the explorer\n" + describeThreads(), null);
        } else {
            outcome = new Outcome(ExplorationFailure.Kind.UNCONTROLLED, "blocked outside the model: no controlled"
                    + " thread can run, and " + String.join("; ", outside) + " - nothing woke it within "
                    + options.uncontrolledTimeout() + ". Sleeps, timed waits, I/O, contended monitors and threads"
                    + " not made by Explorer.threadFactory() are not controlled (docs/testing.md)\n"
                    + describeThreads(), null);
        }
        return false;
    }

    /** Why a parked thread waits on something outside the model, or null if it waits inside it. */
    private static @Nullable String outsideReason(Thread thread) {
        Thread.State state = thread.getState();
        return switch (state) {
            case TIMED_WAITING -> "is in a timed wait (" + Stacks.operation(thread.getStackTrace()) + ")";
            case BLOCKED -> "waits for a monitor (synchronized)";
            case RUNNABLE, NEW -> "is runnable outside the explorer";
            case WAITING -> {
                StackTraceElement[] stack = thread.getStackTrace();
                if (Stacks.inObjectWait(stack)) {
                    yield "waits in Object.wait (" + Stacks.operation(stack) + "), woken through a monitor";
                }
                yield Stacks.inIo(stack) ? "waits for I/O (" + Stacks.operation(stack) + ")" : null;
            }
            case TERMINATED -> null;
        };
    }

    /** Each live thread: state, blocking operation, blocker and the first frame of user code. */
    String describeThreads() {
        StringBuilder text = new StringBuilder();
        for (Controlled thread : threads) {
            if (!thread.started || thread.done) {
                continue;
            }
            Thread t = thread.thread();
            StackTraceElement[] stack = t.getStackTrace();
            Object blocker = LockSupport.getBlocker(t);
            text.append("    ").append(thread.name).append(' ').append(thread.ready ? "RUNNABLE" : t.getState())
                    .append(" in ").append(Stacks.operation(stack));
            if (blocker != null) {
                text.append(" on ").append(blocker(blocker));
            }
            Controlled owner = controlledOwner(blocker);
            if (owner != null) {
                text.append(" held by ").append(owner.name);
            }
            String user = Stacks.userFrame(stack);
            if (user != null) {
                text.append(", at ").append(user);
            }
            text.append('\n');
        }
        String cycle = waitForCycle();
        if (cycle != null) {
            text.append("    wait-for cycle: ").append(cycle).append('\n');
        }
        return text.toString();
    }

    /** The controlled thread that holds the lock {@code blocker}, if it can be read. */
    private @Nullable Controlled controlledOwner(@Nullable Object blocker) {
        Thread owner = Owners.owner(blocker);
        if (owner == null) {
            return null;
        }
        for (Controlled thread : threads) {
            if (thread.thread == owner) {
                return thread;
            }
        }
        return null;
    }

    /** A cycle of threads each parked on a lock the next one holds, such as "T1 -> T2 -> T1". */
    private @Nullable String waitForCycle() {
        for (Controlled start : threads) {
            List<Controlled> path = new ArrayList<>();
            Controlled at = start;
            while (at != null && at.started && !at.done && !path.contains(at)) {
                path.add(at);
                at = controlledOwner(LockSupport.getBlocker(at.thread()));
            }
            if (at != null && at == start && path.size() > 1) {
                StringBuilder cycle = new StringBuilder();
                for (Controlled member : path) {
                    cycle.append(member.name).append(" -> ");
                }
                return cycle.append(start.name).toString();
            }
        }
        return null;
    }

    /** A checked exception thrown by a scenario, carried through Runnable. */
    static final class ScenarioException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ScenarioException(Exception cause) {
            super(cause);
        }
    }
}
