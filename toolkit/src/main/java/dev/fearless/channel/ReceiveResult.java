package dev.fearless.channel;

import org.jspecify.annotations.Nullable;

/**
 * What a receive that does not throw got, and why nothing: the element as a
 * {@link ChannelResult.Value}, {@link Empty} (nothing now, or within the timeout) or the
 * {@link ChannelClosed} that says nothing will come. Returned by
 * {@link Channel#tryReceiveOrClosed()}; the sealed hierarchy lets a {@code switch} cover every
 * case.
 *
 * <pre>{@code
 * switch (channel.tryReceiveOrClosed()) {
 *     case ChannelResult.Value(var element) -> handle(element);
 *     case ReceiveResult.Empty() -> idle();
 *     case ChannelDone() -> finish();
 *     case ChannelError(var cause) -> fail(cause);
 * }
 * }</pre>
 *
 * @param <T> the element type
 */
public sealed interface ReceiveResult<T extends @Nullable Object>
        permits ChannelResult.Value, ReceiveResult.Empty, ChannelClosed {

    /**
     * Nothing to receive now (or within the timeout), but more may come: the channel is not
     * closed for receiving. Nothing was taken.
     *
     * <pre>{@code
     * if (channel.tryReceiveOrClosed() instanceof ReceiveResult.Empty<?>) {
     *     idle();
     * }
     * }</pre>
     *
     * @param <T> the element type
     */
    record Empty<T extends @Nullable Object>() implements ReceiveResult<T> {
        private static final Empty<?> INSTANCE = new Empty<>();

        @SuppressWarnings("unchecked")
        static <T extends @Nullable Object> Empty<T> instance() {
            return (Empty<T>) INSTANCE;
        }
    }
}
