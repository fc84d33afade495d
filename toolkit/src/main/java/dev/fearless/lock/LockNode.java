package dev.fearless.lock;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * A node of the lock-order graph: one lock, or one lock class. Held strongly only by its locks
 * (through their {@link Ranking}), by the thread-local held lists and, for a class, by
 * {@link LockGraph}'s class table; the graph itself reaches it only through a {@link Ref}, so a
 * lock that becomes unreachable takes its node with it.
 */
final class LockNode {

    final long id;
    /** {@link #id} boxed once, so the lock-free edge lookup on the hot path does not allocate. */
    final Long key;
    final String label;
    final boolean isClass;
    /**
     * Edges from this node: the key is the target's id; an entry means "the target was taken
     * while holding this". Written under LockGraph's lock, read without locking.
     */
    final ConcurrentHashMap<Long, Edge> out = new ConcurrentHashMap<>(4);
    /** Set once by LockGraph, under its lock, before the node is published. */
    @Nullable Ref ref;

    LockNode(long id, String label, boolean isClass) {
        this.id = id;
        this.key = id;
        this.label = label;
        this.isClass = isClass;
    }

    Ref ref() {
        Ref r = ref;
        if (r == null) {
            throw new IllegalStateException("node " + label + " was not registered");
        }
        return r;
    }

    @Override
    public String toString() {
        return label;
    }

    /**
     * The graph's weak handle on a node. It keeps the ids of the node's neighbours so that, once
     * the node has been collected, the edges into it can be removed from its predecessors (all
     * under LockGraph's lock).
     */
    static final class Ref extends WeakReference<LockNode> {
        final Long key;
        final Set<Long> in = new HashSet<>();    // guarded by LockGraph's lock
        final Set<Long> outIds = new HashSet<>(); // guarded by LockGraph's lock

        Ref(LockNode node, ReferenceQueue<LockNode> queue) {
            super(node, queue);
            this.key = node.key;
        }
    }

    /**
     * "{@code target} was taken while holding the source node": the step that first did so and,
     * when the edge closed a cycle, the violation it caused. Immutable except for the once-only
     * hold-and-wait flag.
     */
    static final class Edge {
        final Ref target;
        final Step step;
        final @Nullable Violation violation;
        final AtomicBoolean holdAndWaitReported = new AtomicBoolean();

        Edge(Ref target, Step step, @Nullable Violation violation) {
            this.target = target;
            this.step = step;
            this.violation = violation;
        }
    }

    /**
     * One acquisition made while holding another lock, as reports show it.
     *
     * @param from the held lock's label
     * @param to the acquired lock's label
     * @param thread the acquiring thread, described
     * @param acquiredAt where {@code to} was taken
     * @param heldSince where {@code from} had been taken, when the checker recorded it
     */
    record Step(String from, String to, String thread, StackTraceElement[] acquiredAt,
                StackTraceElement @Nullable [] heldSince) {}

    /**
     * A cycle found in the graph: its node labels in acquisition order and the steps that make
     * it, the closing one first. The report text is built on first use, outside the graph lock.
     */
    static final class Violation {
        final List<String> cycle;
        /** The labels in {@link #cycle} that are lock classes rather than single locks. */
        final List<String> classes;
        final List<Step> steps;
        private volatile @Nullable String report; // racy single-check: building it twice is harmless

        Violation(List<String> cycle, List<String> classes, List<Step> steps) {
            this.cycle = List.copyOf(cycle);
            this.classes = List.copyOf(classes);
            this.steps = List.copyOf(steps);
        }

        String report() {
            String text = report;
            if (text == null) {
                text = Reports.potentialDeadlock(cycle, classes, steps);
                report = text;
            }
            return text;
        }
    }
}
