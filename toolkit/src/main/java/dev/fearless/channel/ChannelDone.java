package dev.fearless.channel;

import org.jspecify.annotations.Nullable;

/**
 * The channel is done: {@link Channel#done()} was called and, for receivers, every element
 * buffered before that has been received. All instances are equal.
 *
 * <pre>{@code
 * while (!(channel.receiveOrClosed() instanceof ChannelDone)) {
 *     // ...
 * }
 * }</pre>
 *
 * @param <T> the element type of the operation that saw the closure
 */
public record ChannelDone<T extends @Nullable Object>() implements ChannelClosed<T> {

    private static final ChannelDone<?> INSTANCE = new ChannelDone<>();

    /**
     * Returns the shared instance.
     *
     * @param <T> the element type
     * @return the done result
     */
    @SuppressWarnings("unchecked")
    public static <T extends @Nullable Object> ChannelDone<T> instance() {
        return (ChannelDone<T>) INSTANCE;
    }

    @Override
    public ChannelDoneException toException() {
        return new ChannelDoneException("channel is done");
    }
}
