package dev.fearless.structure;

/**
 * What a blocked thread waits for, in a {@link WaitNode}.
 *
 * <pre>{@code
 * if (wait.kind() == WaitKind.LOCK) {
 *     log.warn("{} waits for {}", task.thread(), wait.target());
 * }
 * }</pre>
 */
public enum WaitKind {
    /** A lock: an {@code OrderedLock}, {@code OrderedReadWriteLock} view, or the lock of a {@code Shared} handle. */
    LOCK,
    /** A send on a full channel (or one with no receiver, for a rendezvous channel). */
    CHANNEL_SEND,
    /** A receive on an empty channel. */
    CHANNEL_RECEIVE,
    /** The end of another task ({@code Task.join()}). */
    JOIN,
    /** The end of a scope's tasks (the owner in {@code Scope.join()} or {@code close()}). */
    SCOPE_JOIN,
    /** A permit of a scope's {@code maxConcurrency} limit ({@code WhenFull.WAIT}), before the task's body runs. */
    PERMIT,
    /** A {@code Select} over several channels; the target names each channel and its direction. */
    SELECT,
    /** A permit of a {@code VirtualExecutor}'s limit; the target names the executor and the limit. */
    EXECUTOR_PERMIT,
    /** A {@code CompletionStage} in {@code Bridge.await} (or a task of {@code Bridge.awaiting}). */
    STAGE
}
