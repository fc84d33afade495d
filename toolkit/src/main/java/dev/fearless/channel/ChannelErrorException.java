package dev.fearless.channel;

import java.util.Objects;

/**
 * The channel is in error; {@link #getCause()} is the failure passed to
 * {@link Channel#error(Throwable)}.
 *
 * <pre>{@code
 * try {
 *     channel.receive();
 * } catch (ChannelErrorException e) {
 *     throw new IllegalStateException("producer failed", e.getCause());
 * }
 * }</pre>
 */
public final class ChannelErrorException extends ChannelClosedException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was attempted, on which channel and by which thread
     * @param cause the failure the channel was closed with
     * @throws NullPointerException if {@code cause} is null
     */
    public ChannelErrorException(String message, Throwable cause) {
        super(message, Objects.requireNonNull(cause, "cause"));
    }

    @Override
    public synchronized Throwable getCause() {
        Throwable cause = super.getCause();
        assert cause != null;
        return cause;
    }

    @Override
    public <T> ChannelClosed<T> closed() {
        return new ChannelError<>(getCause());
    }
}
