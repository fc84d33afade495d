package dev.fearless.channel;

/**
 * What a send does when a buffered channel's buffer is full, as Kotlin's {@code BufferOverflow}.
 * Chosen with {@link Channel.Builder#overflow(Overflow)}; the factory methods create
 * {@link #BLOCK} channels.
 *
 * <pre>{@code
 * Channel<Reading> readings = Channel.<Reading>builder()
 *         .capacity(64)
 *         .overflow(Overflow.DROP_LATEST)  // keep the first 64 unreceived readings, drop newer ones
 *         .build();
 * }</pre>
 *
 * <p>With a dropping policy a send never blocks and never fails for want of room: it always
 * succeeds while the channel is open, and the dropped element goes to the channel's
 * {@linkplain Channel.Builder#onUndelivered onUndelivered} callback, if any. Elements are still
 * received at most once, in the order they were sent.
 */
public enum Overflow {
    /** The send waits for room (the {@code try} forms give up instead). The default. */
    BLOCK,
    /** The send succeeds at once; the oldest buffered element is dropped to make room. */
    DROP_OLDEST,
    /** The send succeeds at once, but its element is dropped: the buffer stays as it was. */
    DROP_LATEST
}
