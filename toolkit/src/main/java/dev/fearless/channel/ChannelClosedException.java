package dev.fearless.channel;

/**
 * Thrown by the throwing forms of channel operations ({@link Channel#send}, {@link Channel#receive},
 * {@link Select#select}, iteration...) when the channel is closed: either a
 * {@link ChannelDoneException} or a {@link ChannelErrorException}. The message names the channel,
 * the operation and the thread.
 *
 * <pre>{@code
 * try {
 *     channel.send(element);
 * } catch (ChannelDoneException e) {
 *     // a bug: nobody may send after done()
 * } catch (ChannelErrorException e) {
 *     throw new IllegalStateException("consumer failed", e.getCause());
 * }
 * }</pre>
 */
public abstract sealed class ChannelClosedException extends IllegalStateException
        permits ChannelDoneException, ChannelErrorException {

    private static final long serialVersionUID = 1L;

    ChannelClosedException(String message, Throwable cause) {
        super(message, cause);
    }

    ChannelClosedException(String message) {
        super(message);
    }

    /**
     * Returns the closure as a result value.
     *
     * @param <T> the element type expected by the caller
     * @return a {@link ChannelDone} or a {@link ChannelError} with the same cause
     */
    public abstract <T> ChannelClosed<T> closed();
}
