package dev.fearless.channel;

/**
 * The channel is done: a send after {@link Channel#done()}, or a receive after every buffered
 * element was received.
 *
 * <pre>{@code
 * try {
 *     while (true) handle(channel.receive());
 * } catch (ChannelDoneException e) {
 *     // all elements received
 * }
 * }</pre>
 */
public final class ChannelDoneException extends ChannelClosedException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was attempted, on which channel and by which thread
     */
    public ChannelDoneException(String message) {
        super(message);
    }

    @Override
    public <T> ChannelClosed<T> closed() {
        return ChannelDone.instance();
    }
}
