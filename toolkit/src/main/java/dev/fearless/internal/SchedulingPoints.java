package dev.fearless.internal;

import org.jspecify.annotations.Nullable;

/**
 * Scheduling points in toolkit operations: a schedule explorer ({@code dev.fearless.test}, the
 * only module this package is exported to) installs a hook that may switch to another thread
 * just before a lock is taken, a channel element is sent or received, a task is forked or a scope
 * is joined, and just after a lock is released. Without a hook a point is one volatile read and
 * one branch.
 *
 * <pre>{@code
 * SchedulingPoints.before("Channel", name, "send");
 * }</pre>
 *
 * <p>Memory consistency effects: none; the hook runs on the calling thread.
 */
public final class SchedulingPoints {

    /*
     * Implementation overview: one static volatile field, null unless an explorer runs (the
     * telemetry dispatcher's pattern). The label parts are passed separately, so a point builds
     * no string unless a hook wants one.
     */

    /** What the explorer installs; called on every thread that reaches a point while installed. */
    public interface Hook {
        /**
         * A thread is about to perform (or has just performed) an operation.
         *
         * @param primitive the kind of component, such as {@code "Channel"}
         * @param name the component's name, such as {@code "orders"}
         * @param operation the operation, such as {@code "send"}
         */
        void point(String primitive, String name, String operation);
    }

    private static volatile @Nullable Hook installed;

    private SchedulingPoints() {}

    /**
     * A scheduling point: calls the installed hook, if any.
     *
     * @param primitive the kind of component, such as {@code "Channel"}
     * @param name the component's name
     * @param operation the operation, such as {@code "send"}
     */
    public static void before(String primitive, String name, String operation) {
        Hook hook = installed;
        if (hook != null) {
            hook.point(primitive, name, operation);
        }
    }

    /**
     * Installs {@code hook}, or removes it with {@code null}.
     *
     * @param hook the hook, or {@code null}
     */
    public static void install(@Nullable Hook hook) {
        installed = hook;
    }
}
