package dev.fearless.telemetry;

/**
 * A live, read-only view of a channel for gauges, handed to
 * {@link TelemetryListener#channelCreated(ChannelState)}. Readings are estimates taken without
 * locking: exact when the channel is quiescent, otherwise within the operations in flight.
 *
 * <pre>{@code
 * @Override
 * public void channelCreated(ChannelState channel) {
 *     gauges.add(new WeakReference<>(channel)); // never hold it strongly
 * }
 * }</pre>
 */
public interface ChannelState {

    /**
     * Returns the channel's name, or {@link Telemetry#DEFAULT_NAME} when none was given.
     *
     * @return the name used as the {@code name} tag
     */
    String name();

    /**
     * Returns how many elements are buffered and not yet received.
     *
     * @return the estimated number of buffered elements, never negative
     */
    int size();

    /**
     * Returns how many elements the channel buffers: {@code 0} for a rendezvous channel,
     * {@link Integer#MAX_VALUE} for an unbounded one.
     *
     * @return the capacity
     */
    int capacity();
}
