package dev.fearless.channel;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The channel is in error: {@link Channel#error(Throwable)} was called with {@link #cause()}.
 * Senders and receivers see it at once; elements that were buffered were discarded and handed
 * back to the caller of {@code error}.
 *
 * <pre>{@code
 * if (channel.receiveOrClosed() instanceof ChannelError(var cause)) {
 *     throw new IllegalStateException("upstream failed", cause);
 * }
 * }</pre>
 *
 * @param cause the failure passed to {@link Channel#error(Throwable)}
 * @param <T> the element type of the operation that saw the closure
 */
public record ChannelError<T extends @Nullable Object>(Throwable cause) implements ChannelClosed<T> {

    /**
     * Creates the result.
     *
     * @param cause the failure
     * @throws NullPointerException if {@code cause} is null
     */
    public ChannelError {
        Objects.requireNonNull(cause, "cause");
    }

    @Override
    public ChannelErrorException toException() {
        return new ChannelErrorException("channel is in error: " + cause, cause);
    }
}
