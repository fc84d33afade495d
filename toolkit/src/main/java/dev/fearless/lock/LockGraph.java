package dev.fearless.lock;

import dev.fearless.internal.Threads;
import dev.fearless.lock.LockNode.Edge;
import dev.fearless.lock.LockNode.Step;
import dev.fearless.lock.LockNode.Violation;
import dev.fearless.telemetry.Telemetry;
import dev.fearless.telemetry.TelemetryListener;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lock-order checker's state: its settings, the graph of "taken while holding" edges between
 * lock nodes, and the checks run around each acquisition. {@link LockOrderChecker} is its public
 * face.
 */
final class LockGraph {

    /*
     * Implementation overview.
     *
     * Graph. Nodes are locks, or lock classes when a lock has one. An edge A -> B means "B was
     * taken while holding A". Edges live in a ConcurrentHashMap per source node, keyed by the
     * target's id, so the hot path, "is A -> B known?", is one lock-free map read. The allowed
     * edges always form a DAG. An edge that would close a cycle is stored too, marked with its
     * Violation, but is never followed when searching for paths: that way it is reported once
     * (WARN) or thrown again fast on every later attempt (THROW), and every later report names a
     * cycle of real, allowed orderings plus one new edge.
     *
     * New edges. Adding an edge (rare: once per ordered pair ever seen) takes the graph's
     * ReentrantLock, re-reads the edge, searches the DAG for a path B ~> A (depth-first; the
     * graph of a program's locks is small and new edges stop appearing after warm-up, so an
     * incremental topological order such as Pearce-Kelly's would not pay for itself) and then
     * publishes the edge. Because every insertion happens under that lock, two threads adding
     * A -> B and B -> A at the same moment are serialized and the second one sees the first's
     * edge: the race that makes Guava's CycleDetectingLockFactory miss such cycles
     * (google/guava#2048) cannot happen. The lock is a leaf: nothing else is acquired, and no
     * listener or logger is called, while it is held.
     *
     * Memory. The graph reaches nodes only through LockNode.Ref, a weak reference registered
     * with a ReferenceQueue; locks hold their node strongly. When a lock becomes unreachable its
     * node is collected and the queue is drained (under the graph lock, on every slow-path
     * operation) to remove the edges into it, found through the ids its Ref kept. Edges keep
     * labels, thread descriptions and stack traces: never locks or threads. Lock-class nodes are
     * held by the class table and live until the JVM exits (there are as many as roles in the
     * program).
     *
     * Held locks. Each thread's ThreadHolds lists the tracked locks it holds, maintained only
     * while the checker is on and validated on each walk (see ThreadHolds).
     *
     * Settings are static volatile fields read on each check; `enabled` is the one flag the hot
     * path of every lock reads. The graph itself is an instance: every RankedLock takes part in
     * GLOBAL, and tests drive private graphs (Lincheck snapshots and restores static state
     * around each invocation, which a global graph would make needlessly slow).
     */

    static final int OFF = 0;
    static final int WARN = 1;
    static final int THROW = 2;

    /** The hot-path flag: {@code mode != OFF}. */
    static volatile boolean enabled;
    static volatile int mode;
    static volatile boolean recordHoldSites;
    static volatile boolean checkHoldAndWait;

    private static final Logger log = LoggerFactory.getLogger(LockOrderChecker.class);

    /** The graph every RankedLock takes part in; tests may make private ones. */
    static final LockGraph GLOBAL = new LockGraph();

    private final ReentrantLock graphLock = new ReentrantLock();
    private final ReferenceQueue<LockNode> queue = new ReferenceQueue<>();
    private final Map<Long, LockNode.Ref> nodes = new HashMap<>(); // guarded by graphLock
    private final Map<String, LockNode> classes = new HashMap<>(); // guarded by graphLock
    private long lastNodeId;                                       // guarded by graphLock

    static {
        String initial = System.getProperty(LockOrderChecker.MODE_PROPERTY);
        if (initial != null) {
            setMode(parseMode(initial));
        }
        recordHoldSites = Boolean.getBoolean(LockOrderChecker.HOLD_SITES_PROPERTY);
        checkHoldAndWait = Boolean.getBoolean(LockOrderChecker.HOLD_AND_WAIT_PROPERTY);
    }

    LockGraph() {}

    // ------------------------------------------------------------------ settings

    static LockOrderChecker.Mode parseMode(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "off", "" -> LockOrderChecker.Mode.OFF;
            case "warn" -> LockOrderChecker.Mode.WARN;
            case "throw" -> LockOrderChecker.Mode.THROW;
            default -> throw new IllegalArgumentException(LockOrderChecker.MODE_PROPERTY
                    + " must be off, warn or throw: '" + value + "'");
        };
    }

    static void setMode(LockOrderChecker.Mode newMode) {
        mode = switch (newMode) {
            case OFF -> OFF;
            case WARN -> WARN;
            case THROW -> THROW;
        };
        enabled = newMode != LockOrderChecker.Mode.OFF;
    }

    static LockOrderChecker.Mode mode() {
        return switch (mode) {
            case WARN -> LockOrderChecker.Mode.WARN;
            case THROW -> LockOrderChecker.Mode.THROW;
            default -> LockOrderChecker.Mode.OFF;
        };
    }

    // ------------------------------------------------------------------ single acquisitions

    /**
     * Runs before {@code lock} is acquired: checks (and records) an edge from every lock the
     * thread holds when the acquisition may block. Returns the thread's holds to push the lock on
     * once acquired, or null when the thread already holds it (reentrant: nothing to record).
     *
     * @throws LockOrderException in THROW mode, before anything is acquired
     */
    static @Nullable ThreadHolds beforeAcquire(RankedLock lock, boolean mayBlock) {
        if (lock.isHeldByCurrentThread()) {
            return null;
        }
        ThreadHolds holds = ThreadHolds.current();
        if (mayBlock && holds.size > 0) {
            LockNode to = lock.ranking.node();
            for (int i = 0; i < holds.size; ) {
                RankedLock held = holds.locks[i];
                if (!held.isHeldByCurrentThread()) {
                    holds.removeAt(i); // stale: released while the checker was off
                    continue;
                }
                if (held.ranking != lock.ranking) {
                    checkEdge(held, holds.sites[i], to, lock);
                }
                i++;
            }
        }
        return holds;
    }

    static void acquired(ThreadHolds holds, RankedLock lock) {
        holds.push(lock, holdSite());
    }

    static void released(RankedLock lock) {
        ThreadHolds.current().remove(lock);
    }

    private static @Nullable Throwable holdSite() {
        return mode == THROW || recordHoldSites ? new HoldSite() : null;
    }

    /** The hot path: a known edge is one map read; an unknown one is added under the graph lock. */
    private static Edge checkEdge(RankedLock held, @Nullable Throwable heldSite, LockNode to, RankedLock lock) {
        LockNode from = held.ranking.node();
        Edge edge = from.out.get(to.key);
        if (edge == null) {
            Step step = new Step(held.ranking.label(), lock.ranking.label(), Threads.current(),
                    Stacks.here(), heldSite == null ? null : Stacks.trim(heldSite));
            edge = GLOBAL.addEdge(from, to, step);
            Violation violation = edge.violation;
            if (violation != null && edge.step == step) { // this call found the cycle: report it once
                report(violation.cycle, violation.report(), new PotentialDeadlockException(violation));
                return edge;
            }
        }
        Violation violation = edge.violation;
        if (violation != null && mode == THROW) {
            throw new PotentialDeadlockException(violation);
        }
        return edge;
    }

    /**
     * Returns the edge from -> to, adding it first if it is new: allowed if it closes no cycle
     * of allowed edges, else carrying the Violation that describes the cycle. The returned
     * edge's step is {@code step} exactly when this call added it.
     */
    Edge addEdge(LockNode from, LockNode to, Step step) {
        graphLock.lock();
        try {
            expungeStale();
            Edge edge = from.out.get(to.key);
            if (edge == null) {
                edge = new Edge(to.ref(), step, cycleThrough(from, to, step));
                from.out.put(to.key, edge);
                from.ref().outIds.add(to.key);
                to.ref().in.add(from.key);
            }
            return edge;
        } finally {
            graphLock.unlock();
        }
    }

    /** The cycle the new edge from -> to would close, or null. Under graphLock. */
    private @Nullable Violation cycleThrough(LockNode from, LockNode to, Step step) {
        List<String> cycle = new ArrayList<>();
        List<Step> steps = new ArrayList<>();
        cycle.add(from.label);
        steps.add(step);
        List<String> classes = new ArrayList<>();
        if (from.isClass) {
            classes.add(from.label);
        }
        if (from != to) { // from == to: two locks of one class nested, a cycle of one class
            List<Edge> path = findPath(to, from);
            if (path == null) {
                return null;
            }
            for (LockNode node = to; node != from; ) {
                cycle.add(node.label);
                if (node.isClass) {
                    classes.add(node.label);
                }
                LockNode next = path.get(cycle.size() - 2).target.get();
                node = next == null ? from : next; // the path is live: searched just now, under the lock
            }
            for (Edge edge : path) {
                steps.add(edge.step);
            }
        }
        return new Violation(cycle, classes, steps);
    }

    /** A path of allowed edges from start to goal, depth-first, or null. Under graphLock. */
    private static @Nullable List<Edge> findPath(LockNode start, LockNode goal) {
        Map<LockNode, Edge> via = new HashMap<>();
        Map<LockNode, LockNode> previous = new HashMap<>();
        Set<LockNode> seen = new HashSet<>();
        ArrayDeque<LockNode> pending = new ArrayDeque<>();
        seen.add(start);
        pending.push(start);
        while (!pending.isEmpty()) {
            LockNode node = pending.pop();
            for (Edge edge : node.out.values()) {
                LockNode target = edge.target.get();
                if (edge.violation != null || target == null || !seen.add(target)) {
                    continue;
                }
                via.put(target, edge);
                previous.put(target, node);
                if (target == goal) {
                    List<Edge> path = new ArrayList<>();
                    for (LockNode at = goal; at != start; at = previous.get(at)) {
                        path.add(via.get(at));
                    }
                    return path.reversed();
                }
                pending.push(target);
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ sets (Locks)

    /**
     * Runs before a set is acquired: the hold-and-wait rule, then an edge from every held lock to
     * every member the thread does not hold yet. Members are never ordered among themselves: the
     * multi-lock takes them without deadlock whatever their order.
     *
     * @throws LockOrderException in THROW mode, before anything is acquired
     */
    static ThreadHolds beforeAcquireSet(RankedLock[] set) {
        ThreadHolds holds = ThreadHolds.current();
        holds.purgeStale();
        if (holds.size == 0) {
            return holds;
        }
        List<RankedLock> wanted = new ArrayList<>(set.length);
        for (RankedLock member : set) {
            if (!holds.holdsRanking(member.ranking) && !member.isHeldByCurrentThread()) {
                wanted.add(member);
            }
        }
        if (wanted.isEmpty()) {
            return holds;
        }
        boolean holdAndWait = checkHoldAndWait;
        boolean unreported = false; // hold-and-wait is logged and sent once per ordering
        for (int i = 0; i < holds.size; i++) {
            for (RankedLock member : wanted) {
                Edge edge = checkEdge(holds.locks[i], holds.sites[i], member.ranking.node(), member);
                unreported |= holdAndWait && edge.holdAndWaitReported.compareAndSet(false, true);
            }
        }
        if (unreported) {
            HoldAndWaitException exception = holdAndWait(holds, wanted);
            report(exception.locks(), exception.report(), exception); // throws in THROW mode
        } else if (holdAndWait && mode == THROW) {
            throw holdAndWait(holds, wanted); // every attempt throws, as for cycles
        }
        return holds;
    }

    static void acquiredSet(ThreadHolds holds, RankedLock[] set) {
        Throwable site = holdSite();
        for (RankedLock member : set) {
            if (!holds.contains(member)) {
                holds.push(member, site);
            }
        }
    }

    private static HoldAndWaitException holdAndWait(ThreadHolds holds, List<RankedLock> wanted) {
        List<String> held = new ArrayList<>();
        List<StackTraceElement @Nullable []> sites = new ArrayList<>();
        for (int i = 0; i < holds.size; i++) {
            held.add(holds.locks[i].ranking.label());
            Throwable site = holds.sites[i];
            sites.add(site == null ? null : Stacks.trim(site));
        }
        List<String> requested = wanted.stream().map(lock -> lock.ranking.label()).toList();
        String report = Reports.holdAndWait(Threads.current(), held, sites, requested, Stacks.here());
        return new HoldAndWaitException(report, held, requested);
    }

    /**
     * Reports a violation found for the first time: a log line (WARN mode), an event, then the
     * exception (THROW mode). Called before anything is acquired, and logged before the listener
     * runs, so a listener's error (the dispatcher rethrows VirtualMachineErrors) loses no report
     * and leaves nothing held.
     */
    private static void report(List<String> locks, String report, LockOrderException exception) {
        boolean throwing = mode == THROW;
        if (!throwing) {
            log.warn("{}", report);
        }
        TelemetryListener listener = Telemetry.listener();
        if (listener != null) {
            listener.lockOrderViolation(locks, report);
        }
        if (throwing) {
            throw exception;
        }
    }

    // ------------------------------------------------------------------ nodes

    /** The node of a lock of the global graph: its own, or its class's; made on first use. */
    static LockNode nodeFor(Ranking ranking) {
        return GLOBAL.node(ranking);
    }

    private LockNode node(Ranking ranking) {
        graphLock.lock();
        try {
            LockNode node = ranking.node;
            if (node == null) {
                String lockClass = ranking.lockClass;
                if (lockClass == null) {
                    node = newNode(ranking.nodeLabel(), false);
                } else {
                    node = classes.get(lockClass);
                    if (node == null) {
                        node = newNode(lockClass, true);
                        classes.put(lockClass, node);
                    }
                }
                ranking.node = node;
            }
            return node;
        } finally {
            graphLock.unlock();
        }
    }

    /** A new node; held by the caller only, so it goes away with the caller's reference. */
    LockNode newNode(String label, boolean isClass) {
        graphLock.lock();
        try {
            expungeStale();
            LockNode node = new LockNode(++lastNodeId, label, isClass);
            LockNode.Ref ref = new LockNode.Ref(node, queue);
            node.ref = ref;
            nodes.put(node.key, ref);
            return node;
        } finally {
            graphLock.unlock();
        }
    }

    /** Removes the nodes of collected locks and every edge into them. Under graphLock. */
    private void expungeStale() {
        for (Reference<? extends LockNode> polled; (polled = queue.poll()) != null; ) {
            LockNode.Ref dead = (LockNode.Ref) polled;
            nodes.remove(dead.key);
            detach(dead);
        }
    }

    /** Removes every edge into and out of the node behind {@code ref}. Under graphLock. */
    private void detach(LockNode.Ref ref) {
        for (Long predecessor : ref.in) {
            LockNode.Ref from = nodes.get(predecessor);
            if (from != null && from != ref) {
                LockNode node = from.get();
                if (node != null) {
                    node.out.remove(ref.key);
                }
                from.outIds.remove(ref.key);
            }
        }
        for (Long successor : ref.outIds) {
            LockNode.Ref to = nodes.get(successor);
            if (to != null && to != ref) {
                to.in.remove(ref.key);
            }
        }
        LockNode node = ref.get();
        if (node != null) {
            node.out.clear();
        }
        ref.in.clear();
        ref.outIds.clear();
    }

    /** Forgets every edge; nodes stay. */
    void clear() {
        graphLock.lock();
        try {
            expungeStale();
            for (LockNode.Ref ref : nodes.values()) {
                LockNode node = ref.get();
                if (node != null) {
                    node.out.clear();
                }
                ref.in.clear();
                ref.outIds.clear();
            }
        } finally {
            graphLock.unlock();
        }
    }

    /** Forgets every edge of the node of {@code ranking}, if it has one. */
    void forget(Ranking ranking) {
        LockNode node = ranking.node;
        if (node == null) {
            return;
        }
        graphLock.lock();
        try {
            expungeStale();
            detach(node.ref());
        } finally {
            graphLock.unlock();
        }
    }

    /** Live nodes (locks and lock classes the checker has seen), after dropping collected ones. */
    int nodeCount() {
        graphLock.lock();
        try {
            expungeStale();
            return nodes.size();
        } finally {
            graphLock.unlock();
        }
    }

    /** Edges, allowed or violating, between live nodes. */
    int edgeCount() {
        graphLock.lock();
        try {
            expungeStale();
            int edges = 0;
            for (LockNode.Ref ref : nodes.values()) {
                LockNode node = ref.get();
                if (node != null) {
                    edges += node.out.size();
                }
            }
            return edges;
        } finally {
            graphLock.unlock();
        }
    }
}
