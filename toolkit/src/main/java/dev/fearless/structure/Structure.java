package dev.fearless.structure;

import dev.fearless.internal.Threads;
import dev.fearless.lock.Deadlock;
import dev.fearless.lock.DeadlockWatchdog;
import dev.fearless.scope.Task;
import dev.fearless.telemetry.Telemetry;
import dev.fearless.tracking.Tracking;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Structure tracking: while enabled, every scope opened records itself, and threads blocked on a
 * task's or scope's join or a channel record what they wait for; a {@link #snapshot()} then
 * shows the tree of open scopes, their running tasks, the scopes those tasks opened and each
 * blocked thread's wait, with wait-for chains and the deadlock watchdog's cycles.
 *
 * <pre>{@code
 * Structure.enable();                                // or start the JVM with -Dfearless.structure=true
 * // ... scopes, tasks and their waits run
 * StructureSnapshot snapshot = Structure.snapshot();
 * System.out.println(snapshot.toText());             // thread-dump style, with wait-for chains
 * String json = snapshot.toJson();                   // for scripts and dashboards
 * }</pre>
 *
 * <p><b>What is seen.</b> Scopes opened while tracking is enabled (a scope opened before
 * {@link #enable()} is not shown, nor are its tasks); their running tasks (ended tasks are
 * left out); and these waits: a lock ({@code OrderedLock}, {@code OrderedReadWriteLock} views and
 * the lock of every {@code Shared} and {@code SharedRw} handle) with its current holder, a plain
 * channel send or receive, {@code Task.join()}, a scope owner's {@code join()}/{@code close()} and
 * a task waiting for a permit of its scope's {@code maxConcurrency}, a {@code Select} (its
 * channels, each with its direction and fill), a {@code VirtualExecutor} permit (the executor,
 * its limit and how many run and wait) and a {@code Bridge.await} stage; and, for each task, the
 * locks its thread holds (taken while tracking was enabled).
 *
 * <p><b>Cost.</b> Disabled, each recording site costs one volatile read. Enabled, opening a scope
 * adds one small object to a concurrent set, a fork reads the clock, a blocking join, channel,
 * select, executor-permit or stage wait writes one entry of a concurrent map, and the outermost
 * acquisition and release of a lock write one entry of another (lock waits are already recorded for the
 * deadlock watchdog). A snapshot walks every tracked scope's task list: its cost grows with the
 * number of running tasks, and it holds no lock the tracked code needs.
 *
 * <p><b>Consistency.</b> A snapshot is not atomic: scopes and tasks change while it is taken.
 * Each task is read once under its own state (no node is torn), a task that ended before it was
 * read is left out, and a wait is reported as it was when its thread was read.
 *
 * <p><b>Memory consistency effects:</b> a scope opened, and a wait begun, by a thread before that
 * thread's action that happens-before the call to {@code snapshot()} is seen by the snapshot,
 * unless it ended first.
 */
public final class Structure {

    /** The default bound on the nodes (scopes plus tasks) of a snapshot. */
    public static final int DEFAULT_MAX_NODES = 10_000;

    private static final int MAX_CHAIN = 16;

    private Structure() {
    }

    /** Starts tracking: scopes opened from now on are recorded, and so are their waits. */
    public static void enable() {
        Tracking.setEnabled(true);
    }

    /**
     * Stops tracking and forgets every recorded scope and wait; snapshots are empty until the
     * next {@link #enable()}.
     */
    public static void disable() {
        Tracking.setEnabled(false);
    }

    /**
     * Returns whether tracking is enabled (by {@link #enable()}, or at start-up by the system
     * property {@code fearless.structure=true}).
     *
     * @return whether scopes and waits are being recorded
     */
    public static boolean isEnabled() {
        return Tracking.enabled();
    }

    /**
     * Takes a snapshot of at most {@link #DEFAULT_MAX_NODES} nodes.
     *
     * @return the snapshot; empty when tracking is disabled
     */
    public static StructureSnapshot snapshot() {
        return snapshot(DEFAULT_MAX_NODES);
    }

    /**
     * Takes a snapshot of at most {@code maxNodes} scopes and tasks; what is left out is counted and
     * stated ({@link StructureSnapshot#truncated()}, {@link ScopeNode#tasksLeftOut()}).
     *
     * @param maxNodes the most scopes plus tasks to include
     * @return the snapshot; empty when tracking is disabled
     * @throws IllegalArgumentException if {@code maxNodes} is not positive
     */
    public static StructureSnapshot snapshot(int maxNodes) {
        if (maxNodes <= 0) {
            throw new IllegalArgumentException("maxNodes must be positive: " + maxNodes);
        }
        Instant takenAt = Instant.now();
        long now = System.nanoTime();
        Set<Thread> deadlocked = new HashSet<>();
        List<String> cycles = new ArrayList<>();
        for (Deadlock deadlock : DeadlockWatchdog.findDeadlocks()) {
            deadlocked.addAll(deadlock.threads());
            cycles.add(describeCycle(deadlock));
        }
        List<Tracking.ScopeView> views = new ArrayList<>(Tracking.scopes());
        views.sort((a, b) -> Long.compare(a.openedNanos(), b.openedNanos()));   // outer scopes first
        int budget = maxNodes;
        int leftOut = 0;
        Map<Tracking.ScopeView, Draft> drafts = new IdentityHashMap<>();
        Map<Thread, DraftTask> byThread = new HashMap<>();
        for (Tracking.ScopeView view : views) {
            if (budget == 0) {
                leftOut++;
                continue;
            }
            budget--;
            Draft draft = new Draft(view);
            List<Tracking.TaskInfo> infos = new ArrayList<>();
            draft.tasksLeftOut = view.tasks(budget, infos);
            budget -= infos.size();
            for (Tracking.TaskInfo info : infos.reversed()) {              // fork order
                DraftTask task = new DraftTask(info);
                draft.tasks.add(task);
                Thread thread = info.thread();
                if (thread != null) {
                    byThread.put(thread, task);
                }
            }
            drafts.put(view, draft);
        }
        List<Draft> roots = new ArrayList<>();
        for (Draft draft : drafts.values()) {
            Tracking.ScopeView outer = draft.view.enclosing();
            Draft parent = outer == null ? null : drafts.get(outer);
            DraftTask opener = byThread.get(draft.view.owner());
            if (parent != null && parent != draft) {
                parent.scopes.add(draft);
            } else if (opener != null) {
                if (opener.scopes == null) {
                    opener.scopes = new ArrayList<>();
                }
                opener.scopes.add(draft);
            } else {
                roots.add(draft);
            }
        }
        Builder builder = new Builder(now, deadlocked);
        List<ScopeNode> scopes = new ArrayList<>();
        for (Draft root : sortedByAge(roots)) {
            scopes.add(builder.scope(root));
        }
        List<String> chains = builder.chains();
        return new StructureSnapshot(takenAt, scopes, builder.nodes, leftOut > 0 || builder.anyTasksLeftOut,
                chains, cycles);
    }

    private static String describeCycle(Deadlock deadlock) {
        StringBuilder text = new StringBuilder();
        List<Thread> threads = deadlock.threads();
        List<String> locks = deadlock.lockLabels();
        for (int i = 0; i < threads.size(); i++) {
            text.append(i == 0 ? "" : ", which ").append(i == 0 ? Threads.describe(threads.get(i)) + " " : "")
                    .append("waits for lock ").append(locks.get(i)).append(" held by ")
                    .append(Threads.describe(threads.get((i + 1) % threads.size())));
        }
        return text.toString();
    }

    private static List<Draft> sortedByAge(List<Draft> drafts) {
        List<Draft> sorted = new ArrayList<>(drafts);
        sorted.sort((a, b) -> Long.compare(a.view.openedNanos(), b.view.openedNanos()));
        return sorted;
    }

    /** A scope read from its view, not yet linked into the tree. */
    private static final class Draft {
        final Tracking.ScopeView view;
        final List<DraftTask> tasks = new ArrayList<>();
        final List<Draft> scopes = new ArrayList<>();
        boolean tasksLeftOut;
        boolean built;

        Draft(Tracking.ScopeView view) {
            this.view = view;
        }
    }

    /** A task read from its view. */
    private static final class DraftTask {
        final Tracking.TaskInfo info;
        @Nullable List<Draft> scopes;                                      // allocated for the few that open scopes

        DraftTask(Tracking.TaskInfo info) {
            this.info = info;
        }
    }

    /** Turns drafts into immutable nodes and collects who waits for what. */
    private static final class Builder {
        private final long now;
        private final Set<Thread> deadlocked;
        /** Each task's (and scope owner's) thread to its node's label and wait, for the wait-for chains. */
        private final Map<Thread, Waiter> waiters = new LinkedHashMap<>();
        int nodes;
        boolean anyTasksLeftOut;

        Builder(long now, Set<Thread> deadlocked) {
            this.now = now;
            this.deadlocked = deadlocked;
        }

        ScopeNode scope(Draft draft) {
            draft.built = true;                                            // a cycle of views cannot recurse
            nodes++;
            anyTasksLeftOut |= draft.tasksLeftOut;
            Tracking.ScopeView view = draft.view;
            String viewName = view.name();
            String name = viewName == null ? Telemetry.DEFAULT_NAME : viewName;
            String label = "scope \"" + name + "\"";
            Tracking.Wait ownerWait = Tracking.waitOf(view.owner());
            Optional<WaitNode> ownerWaits = node(view.owner(), ownerWait);
            String owner = Threads.describe(view.owner());
            waiters.putIfAbsent(view.owner(), new Waiter(-1L, label, owner, ownerWaits, holderOf(ownerWait)));
            List<TaskNode> tasks = new ArrayList<>(draft.tasks.size());
            for (DraftTask task : draft.tasks) {
                tasks.add(task(task, label));
            }
            List<ScopeNode> scopes = new ArrayList<>();
            for (Draft inner : sortedByAge(draft.scopes)) {
                if (!inner.built) {
                    scopes.add(scope(inner));
                }
            }
            String deadline = view.deadline();
            return new ScopeNode(name, owner, view.policy(), Optional.ofNullable(deadline),
                    deadline == null ? Optional.empty() : Optional.of(Duration.ofNanos(view.deadlineNanos() - now)),
                    Duration.ofNanos(Math.max(0L, now - view.openedNanos())), ownerWaits, tasks, draft.tasksLeftOut,
                    scopes);
        }

        private TaskNode task(DraftTask draft, String scopeLabel) {
            nodes++;
            Tracking.TaskInfo info = draft.info;
            Thread thread = info.thread();
            long id = thread == null ? 0L : thread.threadId();
            Optional<WaitNode> waits = Optional.empty();
            Optional<String> described = Optional.empty();
            List<String> holds = List.of();
            if (thread != null) {
                holds = Tracking.heldBy(thread);
                Tracking.Wait wait = Tracking.waitOf(thread);
                waits = node(thread, wait);
                described = Optional.of(Threads.describe(thread));
                waiters.put(thread, new Waiter(id, scopeLabel, described.get(), waits, holderOf(wait)));
            }
            List<ScopeNode> scopes = List.of();
            if (draft.scopes != null) {
                scopes = new ArrayList<>();
                for (Draft inner : sortedByAge(draft.scopes)) {
                    if (!inner.built) {
                        scopes.add(scope(inner));
                    }
                }
            }
            return new TaskNode(id, Task.State.valueOf(info.state()), info.daemon(), described,
                    info.forkNanos() == 0L ? Optional.empty() : Optional.of(Duration.ofNanos(now - info.forkNanos())),
                    waits, holds, scopes);
        }

        private static @Nullable Thread holderOf(Tracking.@Nullable Wait wait) {
            return wait == null ? null : wait.currentHolder();
        }

        private Optional<WaitNode> node(Thread thread, Tracking.@Nullable Wait wait) {
            if (wait == null) {
                return Optional.empty();
            }
            Thread holder = wait.currentHolder();
            return Optional.of(new WaitNode(WaitKind.valueOf(wait.kind().name()), wait.target(),
                    holder == null ? Optional.empty() : Optional.of(Threads.describe(holder)),
                    Optional.ofNullable(wait.currentDetail()), wait.sinceNanos() == 0L ? Optional.empty() : Optional.of(Duration.ofNanos(now - wait.sinceNanos())),
                    deadlocked.contains(thread)));
        }

        /**
         * One line per blocked task whose wait has a known holder: its wait, the holder, what the
         * holder waits for, and so on (a wait without a holder is in the tree already).
         */
        List<String> chains() {
            List<String> chains = new ArrayList<>();
            for (Map.Entry<Thread, Waiter> entry : waiters.entrySet()) {
                Waiter start = entry.getValue();
                if (start.id < 0 || start.holder == null || start.waits.isEmpty()) {
                    continue;
                }
                StringBuilder line = new StringBuilder(start.label());
                Set<Thread> seen = new HashSet<>();
                seen.add(entry.getKey());
                Waiter at = start;
                for (int hop = 0; at.waits.isPresent() && hop < MAX_CHAIN; hop++) {
                    WaitNode wait = at.waits.get();
                    line.append(hop == 0 ? " " : ", which ").append(StructureSnapshot.describeWait(wait));
                    Thread holderThread = at.holder;
                    if (holderThread == null) {
                        line.append(StructureSnapshot.waited(wait));
                        break;
                    }
                    Waiter holder = waiters.get(holderThread);
                    line.append(wait.kind() == WaitKind.JOIN ? " run by " : " held by ")
                            .append(holder == null ? Threads.describe(holderThread) : holder.label())
                            .append(StructureSnapshot.waited(wait));
                    if (holder == null || !seen.add(holderThread)) {
                        if (holder != null) {
                            line.append(" (a cycle)");
                        }
                        break;
                    }
                    at = holder;
                }
                if (start.waits.get().inDeadlock()) {
                    line.append(" [DEADLOCK]");
                }
                chains.add(line.toString());
            }
            return chains;
        }
    }

    /** A thread's node: a task (id >= 0) or a scope's owner (id -1), with its wait and the wait's holder. */
    private record Waiter(long id, String scopeLabel, String thread, Optional<WaitNode> waits,
            @Nullable Thread holder) {

        String label() {
            return id < 0 ? "the owner of " + scopeLabel + " (" + thread + ")" : "task #" + id + " in " + scopeLabel;
        }
    }
}
