package dev.fearless.telemetry;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Receives the events every Fearless component reports: scopes and tasks, locks, channels,
 * handles and executors. Install one with {@link Telemetry#register(TelemetryListener)}; the
 * {@code fearless-metrics} module provides one that feeds Micrometer.
 *
 * <p>Every method has an empty default, so a listener overrides only what it needs. Events are
 * delivered synchronously on the thread that caused them, often while that thread holds a lock or
 * is about to park, so implementations must be fast, must not block and must not call back into
 * the component that reported the event. An exception thrown by a listener is caught and logged by
 * the dispatcher; it never reaches the component.
 *
 * <p>Names identify components for tags: the name given when the component was built, or the
 * shared {@link Telemetry#DEFAULT_NAME} for unnamed ones, so tag cardinality stays bounded by the
 * number of names an application chooses. Durations are in nanoseconds.
 *
 * <pre>{@code
 * TelemetryListener printer = new TelemetryListener() {
 *     @Override
 *     public void taskFinished(String scope, Outcome outcome, long durationNanos) {
 *         System.out.println(scope + " task " + outcome.tag() + " in " + durationNanos + " ns");
 *     }
 * };
 * try (Telemetry.Registration registration = Telemetry.register(printer)) {
 *     // ... run scopes; their tasks are reported to printer
 * }
 * }</pre>
 *
 * <p>Components created before a listener is registered still report their events to it, but
 * creation events ({@link #channelCreated}, {@link #executorCreated}) reach only the listeners
 * registered at that moment; register listeners at start-up.
 *
 * <p>Locks and channels, the components with the hottest event sites, <em>bind</em> their events:
 * at its first event after the set of registered listeners changed, a lock calls
 * {@link #bindLock} and a channel {@link #bindChannel}, and holds the handle returned for every
 * later event, so a listener can resolve its per-component state (meters, say) once instead of by
 * name per event. The defaults return handles that forward to the per-name methods below, so a
 * listener that overrides only those sees every event. Hold times cost two clock reads per hold
 * and are taken only for a listener that wants them: by default, one that overrides a
 * {@code lockReleased} method.
 */
public interface TelemetryListener {

    // ------------------------------------------------------------------ bindings

    /**
     * Binds a lock's events; called by the lock at its first event after the set of registered
     * listeners changed, then held by it. The default forwards to
     * {@link #lockAcquired(String, String, long, boolean)},
     * {@link #lockReleased(String, String, long)} and
     * {@link #lockAbandoned(String, String, Outcome, long)}, and times holds only if this
     * listener's class overrides a {@code lockReleased} method.
     *
     * <p>For an exclusive lock ({@code shared} false) the lock calls {@link LockTelemetry#acquired}
     * of one handle only while it is held, so those calls never overlap and each happens-before
     * the next: the handle may count them in a plain field. The read view of a read-write lock is
     * bound separately, with {@code shared} true: its holders' calls overlap. Other calls
     * ({@code released}, {@code abandoned}) may come from any thread at any time.
     *
     * @param lock the lock's name
     * @param lockClass the lock's class, or {@code null} if it has none
     * @param shared whether this is the read view of a read-write lock, whose holds overlap
     * @return the receiver of this lock's events, never null
     */
    default LockTelemetry bindLock(String lock, @Nullable String lockClass, boolean shared) {
        return new Forwarding.Lock(this, lock, lockClass);
    }

    /**
     * Binds a channel's events; called by the channel at its first send or receive after the set
     * of registered listeners changed, then held by it. The default forwards to
     * {@link #channelSent} and {@link #channelReceived}.
     *
     * @param channel the channel's name
     * @return the receiver of this channel's events, never null
     */
    default ChannelTelemetry bindChannel(String channel) {
        return new Forwarding.Channel(this, channel);
    }

    // ------------------------------------------------------------------ scopes and tasks

    /**
     * A scope was opened.
     *
     * @param scope the scope's name
     */
    default void scopeOpened(String scope) {}

    /**
     * A scope was closed: every thread forked in it has terminated.
     *
     * @param scope the scope's name
     * @param outcome {@link Outcome#SUCCESS} when joined with a result, {@link Outcome#FAILURE}
     *     when its policy failed, {@link Outcome#CANCELLED} when cancelled or closed without a
     *     join, {@link Outcome#TIMEOUT} when its deadline passed
     * @param durationNanos time from open to close
     */
    default void scopeClosed(String scope, Outcome outcome, long durationNanos) {}

    /**
     * A task was forked in a scope; its thread is about to start.
     *
     * @param scope the owning scope's name
     */
    default void taskForked(String scope) {}

    /**
     * A forked task ended.
     *
     * @param scope the owning scope's name
     * @param outcome {@link Outcome#SUCCESS}, {@link Outcome#FAILURE} or {@link Outcome#CANCELLED}
     * @param durationNanos time from fork to end
     */
    default void taskFinished(String scope, Outcome outcome, long durationNanos) {}

    // ------------------------------------------------------------------ locks

    /**
     * A lock was acquired.
     *
     * @param lock the lock's name
     * @param waitNanos time spent waiting for it; {@code 0} when it was free
     * @param contended whether another thread held it when acquisition began
     */
    default void lockAcquired(String lock, long waitNanos, boolean contended) {}

    /**
     * A lock was released by its outermost hold. Reported only to a listener that times holds (see
     * {@link #bindLock}).
     *
     * @param lock the lock's name
     * @param heldNanos time from the outermost acquisition to this release
     */
    default void lockReleased(String lock, long heldNanos) {}

    /**
     * A timed or interruptible acquisition gave up.
     *
     * @param lock the lock's name
     * @param outcome {@link Outcome#TIMEOUT} or {@link Outcome#CANCELLED} (interrupted)
     * @param waitNanos time spent waiting before giving up
     */
    default void lockAbandoned(String lock, Outcome outcome, long waitNanos) {}

    /**
     * A lock was acquired; the form locks report, with the lock class shared by many instances
     * (such as {@code "Account"} for every account's lock), so a listener can aggregate by role
     * instead of by instance. The default forwards to {@link #lockAcquired(String, long, boolean)}.
     *
     * @param lock the lock's name
     * @param lockClass the lock's class, or {@code null} if it has none
     * @param waitNanos time spent waiting for it; {@code 0} when it was free
     * @param contended whether another thread held it when acquisition began
     */
    default void lockAcquired(String lock, @Nullable String lockClass, long waitNanos, boolean contended) {
        lockAcquired(lock, waitNanos, contended);
    }

    /**
     * A lock was released by its outermost hold; the form with the lock class. The default
     * forwards to {@link #lockReleased(String, long)}.
     *
     * @param lock the lock's name
     * @param lockClass the lock's class, or {@code null} if it has none
     * @param heldNanos time from the outermost acquisition to this release
     */
    default void lockReleased(String lock, @Nullable String lockClass, long heldNanos) {
        lockReleased(lock, heldNanos);
    }

    /**
     * A timed or interruptible acquisition gave up; the form with the lock class. The default
     * forwards to {@link #lockAbandoned(String, Outcome, long)}.
     *
     * @param lock the lock's name
     * @param lockClass the lock's class, or {@code null} if it has none
     * @param outcome {@link Outcome#TIMEOUT} or {@link Outcome#CANCELLED} (interrupted)
     * @param waitNanos time spent waiting before giving up
     */
    default void lockAbandoned(String lock, @Nullable String lockClass, Outcome outcome, long waitNanos) {
        lockAbandoned(lock, outcome, waitNanos);
    }

    /**
     * The lock-order checker found an acquisition order that could deadlock.
     *
     * @param cycle the names of the locks in the cycle, in acquisition order
     * @param report the human-readable report (stacks and a possible interleaving)
     */
    default void lockOrderViolation(List<String> cycle, String report) {}

    /**
     * The deadlock watchdog found threads blocked on each other in a cycle.
     *
     * @param cycle the names of the locks in the wait-for cycle
     * @param report the human-readable report (threads, locks and stacks)
     */
    default void deadlockDetected(List<String> cycle, String report) {}

    // ------------------------------------------------------------------ channels

    /**
     * A channel was created. Listeners that sample it must hold it weakly.
     *
     * @param channel a live view of the channel's name, size and capacity
     */
    default void channelCreated(ChannelState channel) {}

    /**
     * An element was sent on a channel.
     *
     * @param channel the channel's name
     * @param blockedNanos time the sender was blocked; {@code 0} when it did not block
     */
    default void channelSent(String channel, long blockedNanos) {}

    /**
     * An element was received from a channel.
     *
     * @param channel the channel's name
     * @param blockedNanos time the receiver was blocked; {@code 0} when it did not block
     */
    default void channelReceived(String channel, long blockedNanos) {}

    /**
     * A channel was closed.
     *
     * @param channel the channel's name
     * @param outcome {@link Outcome#SUCCESS} for done, {@link Outcome#FAILURE} for error
     * @param discarded elements that were buffered and will never be received (error only)
     */
    default void channelClosed(String channel, Outcome outcome, int discarded) {}

    // ------------------------------------------------------------------ handles

    /**
     * A handle's value was poisoned by an exception thrown while it was held.
     *
     * @param handle the handle's name
     */
    default void handlePoisoned(String handle) {}

    /**
     * A guard, or a moved value, became unreachable without being closed or received.
     *
     * @param handle the handle's name
     * @param kind what leaked, such as {@code "guard"} or {@code "move"}
     */
    default void handleLeaked(String handle, String kind) {}

    // ------------------------------------------------------------------ executors

    /**
     * An executor was created. Listeners that sample it must hold it weakly.
     *
     * @param executor a live view of the executor's counts
     */
    default void executorCreated(ExecutorState executor) {}

    /**
     * A task was accepted by an executor.
     *
     * @param executor the executor's name
     */
    default void executorSubmitted(String executor) {}

    /**
     * A task was refused by an executor (limit reached, wait timed out, or executor shut down).
     *
     * @param executor the executor's name
     */
    default void executorRejected(String executor) {}

    /**
     * An accepted task started running.
     *
     * @param executor the executor's name
     * @param waitNanos time from acceptance to start, including any wait for a permit
     */
    default void executorStarted(String executor, long waitNanos) {}

    /**
     * An accepted task ended: it ran, or it was withdrawn before it started (cancelled while
     * waiting for a permit, or returned by {@code shutdownNow()}), which reports
     * {@link Outcome#CANCELLED} with a run time of zero and no {@link #executorStarted} before it.
     * Every accepted task ends exactly once.
     *
     * @param executor the executor's name
     * @param outcome {@link Outcome#SUCCESS}, {@link Outcome#FAILURE} or {@link Outcome#CANCELLED}
     * @param runNanos time from start to end; zero for a task that never started
     */
    default void executorFinished(String executor, Outcome outcome, long runNanos) {}
}
