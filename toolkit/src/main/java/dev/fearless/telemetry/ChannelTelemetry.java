package dev.fearless.telemetry;

/**
 * The events of one channel, bound once: what {@link TelemetryListener#bindChannel} returns and the
 * channel holds, so an event costs a call on this object instead of a lookup by name. A channel
 * asks for a new binding whenever the set of registered listeners changes. A send or receive that
 * did not block reports {@code 0} without reading the clock.
 *
 * <p>Implementations follow the rules of {@link TelemetryListener}: fast, never blocking, never
 * calling back into the channel.
 *
 * <pre>{@code
 * final class CountingChannel implements ChannelTelemetry {
 *     final LongAdder sent = new LongAdder();
 *     public void sent(long blockedNanos) { sent.increment(); }
 *     public void received(long blockedNanos) {}
 * }
 * }</pre>
 */
public interface ChannelTelemetry {

    /**
     * An element was sent on the channel.
     *
     * @param blockedNanos time the sender was blocked; {@code 0} when it did not block
     */
    void sent(long blockedNanos);

    /**
     * An element was received from the channel.
     *
     * @param blockedNanos time the receiver was blocked; {@code 0} when it did not block
     */
    void received(long blockedNanos);
}
