package dev.fearless.tracking;

import dev.fearless.telemetry.ChannelState;
import dev.fearless.telemetry.ExecutorState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What structure tracking records while it is enabled: the open scopes and, per thread, what the
 * thread waits for. Every recording site first reads {@link #enabled()} (one volatile read) and
 * does nothing more when tracking is off.
 *
 * <pre>{@code
 * Tracking.Wait wait = Tracking.enabled() ? Tracking.begin(Tracking.Kind.JOIN, "task", owner) : null;
 * try {
 *     latch.await();
 * } finally {
 *     Tracking.end(wait);
 * }
 * }</pre>
 */
public final class Tracking {

    /*
     * Implementation overview. `enabled` is the only state the hot paths read. Open scopes are a
     * concurrent key set of their views, added when a scope opens and removed when it closes (a
     * scope opened before enable() is not tracked; disable() clears the set, and later removals
     * are no-ops). Waits are a ConcurrentHashMap from thread to its current Wait: begin() puts,
     * end() removes only its own entry (remove(key, value)), so a stale end cannot erase a newer
     * wait. Lock waits are not recorded here: the lock package already keeps a thread -> lock map
     * for the deadlock watchdog and registers a reader for it (lockWaits), so lock acquisition
     * pays nothing extra.
     *
     * Held locks are a second map from thread to an immutable list (newest first) of the locks it
     * holds outermost. Only the holding thread writes its own key (get, then put or remove), so
     * no CAS is needed; snapshots read it weakly consistently. A lock taken while disabled and
     * released while enabled finds nothing to remove (a no-op); setEnabled clears the map both
     * ways, so an entry left by a release that ran while disabled cannot survive into the next
     * enabled period.
     */

    private static volatile boolean enabled = Boolean.getBoolean("fearless.structure");
    private static final Set<ScopeView> SCOPES = ConcurrentHashMap.newKeySet();
    private static final ConcurrentHashMap<Thread, Wait> WAITS = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<Thread, Held> HELD = new ConcurrentHashMap<>();
    private static volatile @Nullable Function<Thread, @Nullable Wait> lockWaits;

    private Tracking() {
    }

    /** What a thread waits for. */
    public enum Kind {
        /** A lock (a {@code RankedLock}, which also guards every {@code Shared} handle). */
        LOCK,
        /** A send on a channel. */
        CHANNEL_SEND,
        /** A receive on a channel. */
        CHANNEL_RECEIVE,
        /** The end of a task ({@code Task.join()}). */
        JOIN,
        /** The end of a scope's tasks ({@code Scope.join()} or {@code close()}). */
        SCOPE_JOIN,
        /** A permit of a scope's {@code maxConcurrency} limit, before the task's body runs. */
        PERMIT,
        /** A {@code Select} over several channels. */
        SELECT,
        /** A permit of a {@code VirtualExecutor}'s limit. */
        EXECUTOR_PERMIT,
        /** A {@code CompletionStage} in {@code Bridge.await}. */
        STAGE
    }

    /** One lock a thread holds: the lock (for removal by identity) and its label; newest first. */
    private record Held(Object lock, String label, @Nullable Held next) {

        @Nullable Held without(Object gone) {
            if (lock == gone) {
                return next;
            }
            Held rest = next == null ? null : next.without(gone);
            return rest == next ? this : new Held(lock, label, rest);
        }
    }

    /**
     * One wait of one thread.
     *
     * @param kind what kind of thing is waited for
     * @param target a description of it (a lock's or channel's name, a task or a scope)
     * @param holder the thread that holds or will release it, when known at the start of the wait
     * @param holderReader reads the current holder at snapshot time (locks), or null
     * @param detailReader reads a detail at snapshot time (a channel's fill), or null
     * @param sinceNanos {@link System#nanoTime()} at the start of the wait, or 0 when unknown
     */
    public record Wait(Kind kind, String target, @Nullable Thread holder,
            @Nullable Supplier<@Nullable Thread> holderReader, @Nullable Supplier<String> detailReader,
            long sinceNanos) {

        /**
         * Checks the components.
         *
         * @param kind what kind of thing is waited for
         * @param target a description of it
         * @param holder the holding thread, or null
         * @param holderReader the holder reader, or null
         * @param detailReader the detail reader, or null
         * @param sinceNanos the start of the wait, or 0
         * @throws NullPointerException if {@code kind} or {@code target} is null
         */
        public Wait {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(target, "target");
        }

        /**
         * Returns the holder now: read again for locks, else the one recorded.
         *
         * @return the holding thread, or null when unknown or free
         */
        public @Nullable Thread currentHolder() {
            Supplier<@Nullable Thread> reader = holderReader;
            return reader == null ? holder : reader.get();
        }

        /**
         * Returns the detail now, if this wait has one.
         *
         * @return for example {@code "16/16 buffered"}, or null
         */
        public @Nullable String currentDetail() {
            Supplier<String> reader = detailReader;
            return reader == null ? null : reader.get();
        }
    }

    /**
     * A scope as tracking sees it; implemented inside the scope package.
     */
    public abstract static class ScopeView {

        /** Creates a view. */
        protected ScopeView() {
        }

        /**
         * Returns the scope's name.
         *
         * @return the name, or null for an unnamed scope
         */
        public abstract @Nullable String name();

        /**
         * Returns the thread that opened the scope.
         *
         * @return the owner
         */
        public abstract Thread owner();

        /**
         * Returns a description of the scope's policy.
         *
         * @return the policy's description
         */
        public abstract String policy();

        /**
         * Returns a description of the deadline, or null for none.
         *
         * @return for example {@code "timeout PT5S"}, or null
         */
        public abstract @Nullable String deadline();

        /**
         * Returns the deadline as {@link System#nanoTime()}; meaningful only with a deadline.
         *
         * @return the deadline in nanos
         */
        public abstract long deadlineNanos();

        /**
         * Returns {@link System#nanoTime()} when the scope was opened (or registered).
         *
         * @return the opening time
         */
        public abstract long openedNanos();

        /**
         * Returns the view of the scope open on the owner thread when this one opened.
         *
         * @return the enclosing scope's view, or null
         */
        public abstract @Nullable ScopeView enclosing();

        /**
         * Adds the scope's tasks, newest first, at most {@code max} of them.
         *
         * @param max the most tasks to add
         * @param out where to add them
         * @return whether tasks were left out
         */
        public abstract boolean tasks(int max, List<TaskInfo> out);
    }

    /**
     * One task, read once under its own state.
     *
     * @param state the task's state ({@code RUNNING}, {@code SUCCEEDED}, ...)
     * @param daemon whether it is a daemon task
     * @param thread the task's thread, or null if it never started
     * @param forkNanos {@link System#nanoTime()} at fork, or 0 when unknown
     */
    public record TaskInfo(String state, boolean daemon, @Nullable Thread thread, long forkNanos) {
    }

    /**
     * Returns whether tracking is enabled.
     *
     * @return whether recording sites should record
     */
    public static boolean enabled() {
        return enabled;
    }

    /**
     * Turns tracking on or off; turning it off forgets every recorded scope and wait.
     *
     * @param on whether to track
     */
    public static void setEnabled(boolean on) {
        if (on && enabled) {
            return;
        }
        enabled = on;
        if (!on) {
            SCOPES.clear();
            WAITS.clear();
        }
        HELD.clear();                                // on enable too: drops holds a disabled release left
    }

    /**
     * Records an open scope (only while enabled).
     *
     * @param scope the scope's view
     */
    public static void opened(ScopeView scope) {
        if (enabled) {
            SCOPES.add(scope);
        }
    }

    /**
     * Forgets a closed scope.
     *
     * @param scope the scope's view
     */
    public static void closed(ScopeView scope) {
        SCOPES.remove(scope);
    }

    /**
     * Returns the open scopes recorded.
     *
     * @return a weakly consistent view
     */
    public static Collection<ScopeView> scopes() {
        return SCOPES;
    }

    /**
     * Records that the calling thread starts waiting; call only when {@link #enabled()}.
     *
     * @param kind what it waits for
     * @param target a description of it
     * @param holder the thread that will release it, or null
     * @return the wait, to pass to {@link #end(Wait)}
     */
    public static Wait begin(Kind kind, String target, @Nullable Thread holder) {
        return put(new Wait(kind, target, holder, null, null, System.nanoTime()));
    }

    /**
     * Records that the calling thread starts waiting to send to or receive from {@code channel};
     * call only when {@link #enabled()}. Snapshots show the channel's fill as they find it.
     *
     * @param send whether it waits to send (else to receive)
     * @param channel the channel
     * @return the wait, to pass to {@link #end(Wait)}
     */
    public static Wait channel(boolean send, ChannelState channel) {
        return put(new Wait(send ? Kind.CHANNEL_SEND : Kind.CHANNEL_RECEIVE, channel.name(), null, null,
                () -> fill(channel), System.nanoTime()));
    }

    /**
     * Records that the calling thread starts waiting in a select over {@code channels}; call only
     * when {@link #enabled()}. Snapshots show each channel's fill as they find it.
     *
     * @param channels the channels of the select's clauses
     * @param sends for each channel, whether its clause sends (else receives)
     * @return the wait, to pass to {@link #end(Wait)}
     */
    public static Wait select(ChannelState[] channels, boolean[] sends) {
        StringJoiner target = new StringJoiner(", ");
        for (int i = 0; i < channels.length; i++) {
            target.add(channels[i].name() + (sends[i] ? " (send)" : " (receive)"));
        }
        return put(new Wait(Kind.SELECT, target.toString(), null, null, () -> {
            StringJoiner fills = new StringJoiner("; ");
            for (ChannelState channel : channels) {
                fills.add(channel.name() + " " + fill(channel));
            }
            return fills.toString();
        }, System.nanoTime()));
    }

    /**
     * Records that the calling thread starts waiting for a permit of {@code executor}; call only
     * when {@link #enabled()}. Snapshots show how many run and wait as they find it.
     *
     * @param executor the executor
     * @return the wait, to pass to {@link #end(Wait)}
     */
    public static Wait permit(ExecutorState executor) {
        return put(new Wait(Kind.EXECUTOR_PERMIT, "a permit of executor \"" + executor.name() + "\" (limit "
                + executor.limit() + ")", null, null,
                () -> executor.running() + "/" + executor.limit() + " running, " + executor.waiting() + " waiting",
                System.nanoTime()));
    }

    /**
     * Records that the calling thread starts waiting for {@code stage} to complete; call only when
     * {@link #enabled()}. The stage is named by class and identity: its {@code toString()} is user
     * code and is not called.
     *
     * @param stage the awaited stage
     * @param view the future the thread waits on, read at snapshot time
     * @return the wait, to pass to {@link #end(Wait)}
     */
    public static Wait stage(Object stage, Future<?> view) {
        return put(new Wait(Kind.STAGE, stage.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(stage)),
                null, null, () -> view.isDone() ? "completed" : "incomplete", System.nanoTime()));
    }

    /**
     * Records that the calling thread now holds {@code lock} (its outermost hold); call only when
     * {@link #enabled()}, from the holding thread.
     *
     * @param lock the lock, identified by identity
     * @param label its label ({@code name#rank})
     */
    public static void held(Object lock, String label) {
        Thread me = Thread.currentThread();
        HELD.put(me, new Held(lock, label, HELD.get(me)));
    }

    /**
     * Records that the calling thread released its outermost hold of {@code lock}; call only when
     * {@link #enabled()}, from the thread that held it. A lock not recorded is ignored.
     *
     * @param lock the lock
     */
    public static void released(Object lock) {
        Thread me = Thread.currentThread();
        Held held = HELD.get(me);
        if (held == null) {
            return;
        }
        Held rest = held.without(lock);
        if (rest == null) {
            HELD.remove(me);
        } else if (rest != held) {
            HELD.put(me, rest);
        }
    }

    /**
     * Returns the labels of the locks {@code thread} holds, oldest first.
     *
     * @param thread the thread
     * @return a new list, empty when it holds none that were recorded
     */
    public static List<String> heldBy(Thread thread) {
        Held held = HELD.get(thread);
        if (held == null) {
            return List.of();
        }
        List<String> labels = new ArrayList<>();
        for (Held at = held; at != null; at = at.next()) {
            labels.add(at.label());
        }
        return labels.reversed();
    }

    private static String fill(ChannelState channel) {
        int capacity = channel.capacity();
        int size = channel.size();
        return capacity == 0 ? "rendezvous"
                : capacity == Integer.MAX_VALUE ? size + " buffered, unbounded" : size + "/" + capacity + " buffered";
    }

    private static Wait put(Wait wait) {
        WAITS.put(Thread.currentThread(), wait);
        return wait;
    }

    /**
     * Records that the calling thread stopped waiting.
     *
     * @param wait the value {@link #begin} returned, or null (then nothing happens)
     */
    public static void end(@Nullable Wait wait) {
        if (wait != null) {
            WAITS.remove(Thread.currentThread(), wait);
        }
    }

    /**
     * Installs the reader of lock waits (called once by the lock package).
     *
     * @param reader returns the lock wait of a thread, or null
     */
    public static void lockWaits(Function<Thread, @Nullable Wait> reader) {
        lockWaits = Objects.requireNonNull(reader, "reader");
    }

    /**
     * Returns what {@code thread} waits for now.
     *
     * @param thread the thread
     * @return its wait, or null when it waits for nothing recorded
     */
    public static @Nullable Wait waitOf(Thread thread) {
        Function<Thread, @Nullable Wait> locks = lockWaits;
        if (locks != null) {
            Wait lock = locks.apply(thread);
            if (lock != null) {
                return lock;
            }
        }
        return WAITS.get(thread);
    }
}
