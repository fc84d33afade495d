package dev.fearless.channel;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of an operation that returns a closed result instead of throwing: either a
 * {@link Value} or a {@link ChannelClosed} ({@link ChannelDone} or {@link ChannelError}).
 * Returned by {@link Channel#receiveOrClosed()} and {@link Select#selectOrClosed(SelectClause[])};
 * the sealed hierarchy lets a {@code switch} cover every case without a default branch.
 *
 * <pre>{@code
 * switch (orders.receiveOrClosed()) {
 *     case ChannelResult.Value(var order) -> ship(order);
 *     case ChannelDone() -> log.info("no more orders");
 *     case ChannelError(var cause) -> log.error("order source failed", cause);
 * }
 * }</pre>
 *
 * @param <T> the type of the value
 */
public sealed interface ChannelResult<T extends @Nullable Object> permits ChannelResult.Value, ChannelClosed {

    /**
     * A successful result: the element received, or the value of the selected clause.
     *
     * <pre>{@code
     * if (channel.receiveOrClosed() instanceof ChannelResult.Value(var element)) {
     *     handle(element);
     * }
     * }</pre>
     *
     * @param value the value; {@code null} only when a select clause's function returned null
     * @param <T> the type of the value
     */
    record Value<T extends @Nullable Object>(T value) implements ChannelResult<T>, ReceiveResult<T> {}
}
