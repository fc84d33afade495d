package dev.fearless.channel;

/**
 * What a send that does not throw did, and why not: {@link Sent}, {@link Full} (no room now, or
 * within the timeout) or the {@link ChannelClosed} that refused the element. Returned by
 * {@link Channel#trySendOrClosed(Object)} (all three) and {@link Channel#sendOrClosed(Object)}
 * ({@code Sent} or closed); the sealed hierarchy lets a {@code switch} cover every case.
 *
 * <pre>{@code
 * switch (channel.trySendOrClosed(reading)) {
 *     case SendResult.Sent() -> {}
 *     case SendResult.Full() -> skipped++;
 *     case ChannelClosed<?> closed -> stop(closed);
 * }
 * }</pre>
 */
public sealed interface SendResult permits SendResult.Sent, SendResult.Full, ChannelClosed {

    /**
     * The element was sent: a receiver took it, or it is buffered (or, under a dropping
     * {@link Overflow} policy, it or an older element was dropped to the onUndelivered callback).
     *
     * <pre>{@code
     * boolean sent = channel.trySendOrClosed(x) instanceof SendResult.Sent;
     * }</pre>
     */
    record Sent() implements SendResult {
        static final Sent INSTANCE = new Sent();
    }

    /**
     * The channel could not take the element now (no room and no receiver waiting) or within the
     * timeout; it is still open, and the element was not sent.
     *
     * <pre>{@code
     * if (channel.trySendOrClosed(x) instanceof SendResult.Full) {
     *     backOff();
     * }
     * }</pre>
     */
    record Full() implements SendResult {
        static final Full INSTANCE = new Full();
    }
}
