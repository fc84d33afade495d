package dev.fearless.channel;

import org.jspecify.annotations.Nullable;

/**
 * Why a channel no longer completes an operation: it is {@link ChannelDone done} (no more
 * elements will arrive) or in {@link ChannelError error} (the producer or a consumer failed).
 * Returned instead of an exception by the {@code ...OrClosed} operations.
 *
 * <pre>{@code
 * if (orders.sendOrClosed(order) instanceof ChannelClosed<?> closed) {
 *     throw closed.toException(); // or handle it
 * }
 * }</pre>
 *
 * @param <T> the element type of the operation that saw the closure; no value of it is carried
 */
public sealed interface ChannelClosed<T extends @Nullable Object>
        extends ChannelResult<T>, ReceiveResult<T>, SendResult
        permits ChannelDone, ChannelError {

    /**
     * Returns the exception that the throwing form of the operation throws for this closure.
     *
     * @return a {@link ChannelDoneException} or a {@link ChannelErrorException} carrying the cause
     */
    ChannelClosedException toException();
}
