package dev.fearless.bridge;

import dev.fearless.channel.Channel;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadFactory;

/**
 * Adapters between {@link Channel}s and {@link java.util.concurrent.Flow} (Reactive Streams):
 * a channel {@linkplain #publisher(Channel) as a publisher}, and a
 * {@linkplain #subscriber(Channel) subscriber that feeds a channel}. Both conform to the
 * Reactive Streams specification (they pass its TCK) and keep the channel's guarantee that every
 * element is handed over exactly once.
 *
 * <pre>{@code
 * // a channel offered to a reactive library
 * Channel<Event> events = Channel.buffered(64, "events");
 * Flow.Publisher<Event> publisher = Flows.publisher(events);
 *
 * // a reactive source drained by blocking code on virtual threads
 * Channel<Row> rows = Channel.buffered(256, "rows");
 * reactiveQuery.subscribe(Flows.subscriber(rows));
 * for (Row row : rows) {          // ends when the source completes, throws if it fails
 *     write(row);
 * }
 * }</pre>
 *
 * <h2 id="publisher">Publisher</h2>
 * A channel's elements are received once, so its publisher admits <em>one</em> subscriber: the
 * first {@code subscribe} wins, and every later subscriber receives {@code onSubscribe} followed by
 * {@code onError(IllegalStateException)} (the refusal Reactive Streams rule 1.9 prescribes). The
 * subscriber is served by one thread of the publisher's {@link ThreadFactory} (a new virtual
 * thread by default), which calls {@code onSubscribe}, then receives from the channel only while
 * the subscriber has outstanding demand and delivers each element with {@code onNext}; when the
 * channel is {@linkplain Channel#done() done} and drained it signals {@code onComplete}, when it is
 * {@linkplain Channel#error(Throwable) in error} {@code onError} with the channel's cause.
 * {@code cancel()} stops the thread (interrupting its receive); the channel stays open, so other
 * consumers may take the remaining elements. An element already taken from the channel when
 * {@code cancel()} arrives is still delivered, never dropped. {@code request(n)} with
 * {@code n <= 0} signals {@code onError(IllegalArgumentException)}. While there is no demand the
 * thread waits, parked; a closure of the channel is still signalled then (Reactive Streams rules
 * 1.4 and 1.5), noticed within at most 100 ms because a channel has no closure callback to wait
 * on. The thread ends once the subscription is cancelled or terminated.
 *
 * <h2 id="subscriber">Subscriber</h2>
 * The subscriber sends every element it receives into the channel, in order, from one thread of
 * its {@link ThreadFactory} (so {@code onNext} never blocks the publisher), maps
 * {@code onComplete} to {@link Channel#done()} and {@code onError(cause)} to
 * {@link Channel#error(Throwable) error(cause)}. Back-pressure follows the channel's capacity: it
 * requests {@code min(max(capacity, 1), 1024)} elements at first, and each time half of that
 * batch has been accepted by the channel it requests that half again, so at most one batch is ever
 * waiting between the publisher and the channel. If the channel is closed by someone else, the
 * subscription is cancelled and elements that arrive afterwards are discarded (the channel cannot
 * take them). A second {@code onSubscribe} is cancelled at once (rule 2.5).
 *
 * <p>Memory consistency effects: actions in a thread prior to sending an element into the
 * published channel happen-before the {@code onNext} that delivers it; actions prior to
 * {@code onNext}, {@code onComplete} or {@code onError} on the subscriber happen-before actions
 * subsequent to receiving that element, or that closure, from its channel.
 */
public final class Flows {

    /*
     * Implementation overview: each adapter is one thread per subscription that owns all
     * signalling in one direction, so Reactive Streams' serial-signal rules (1.3, 2.7) hold by
     * construction. ChannelPublisher.Subscription: demand is an AtomicLong (capped at
     * Long.MAX_VALUE, which means unbounded and is never decremented); cancel and a bad request
     * set volatile flags and unpark the thread; a lock makes "interrupt the thread only while it is
     * inside receive" exact, so an interrupt never leaks into the subscriber's onNext. See
     * ChannelSubscriber for the request accounting of the other direction.
     */

    private Flows() {}

    /**
     * Returns a publisher of the elements received from {@code channel}, served by a new virtual
     * thread; it admits one subscriber (see <a href="#publisher">the class documentation</a>).
     *
     * <pre>{@code
     * Flow.Publisher<Event> publisher = Flows.publisher(events);
     * publisher.subscribe(subscriber);   // receives events until the channel is done
     * }</pre>
     *
     * @param channel the channel to receive from
     * @param <E> the element type
     * @return a single-subscriber publisher of the channel's elements
     * @throws NullPointerException if {@code channel} is null
     */
    public static <E> Flow.Publisher<E> publisher(Channel<E> channel) {
        return publisher(channel, Thread.ofVirtual().name("flow-publisher").factory());
    }

    /**
     * Returns a publisher of the elements received from {@code channel}, served by a thread of
     * {@code threadFactory}; it admits one subscriber.
     *
     * <pre>{@code
     * Flow.Publisher<Event> publisher = Flows.publisher(events, Thread.ofVirtual().name("events-", 0).factory());
     * }</pre>
     *
     * @param channel the channel to receive from
     * @param threadFactory makes the thread that serves the subscriber
     * @param <E> the element type
     * @return a single-subscriber publisher of the channel's elements
     * @throws NullPointerException if {@code channel} or {@code threadFactory} is null
     */
    public static <E> Flow.Publisher<E> publisher(Channel<E> channel, ThreadFactory threadFactory) {
        return new ChannelPublisher<>(Objects.requireNonNull(channel, "channel"),
                Objects.requireNonNull(threadFactory, "threadFactory"));
    }

    /**
     * Returns a subscriber that sends what it receives into {@code channel} from a new virtual
     * thread, with demand tied to the channel's capacity (see
     * <a href="#subscriber">the class documentation</a>). Subscribe it to one publisher.
     *
     * <pre>{@code
     * Channel<Row> rows = Channel.buffered(256);
     * source.subscribe(Flows.subscriber(rows));
     * rows.forEach(this::write);
     * }</pre>
     *
     * @param channel the channel to send into; it is closed when the publisher terminates
     * @param <E> the element type
     * @return a subscriber feeding the channel
     * @throws NullPointerException if {@code channel} is null
     */
    public static <E> Flow.Subscriber<E> subscriber(Channel<E> channel) {
        return subscriber(channel, Thread.ofVirtual().name("flow-subscriber").factory());
    }

    /**
     * Returns a subscriber that sends what it receives into {@code channel} from a thread of
     * {@code threadFactory}, with demand tied to the channel's capacity.
     *
     * <pre>{@code
     * source.subscribe(Flows.subscriber(rows, Thread.ofVirtual().name("rows-feed").factory()));
     * }</pre>
     *
     * @param channel the channel to send into; it is closed when the publisher terminates
     * @param threadFactory makes the thread that sends into the channel
     * @param <E> the element type
     * @return a subscriber feeding the channel
     * @throws NullPointerException if {@code channel} or {@code threadFactory} is null
     */
    public static <E> Flow.Subscriber<E> subscriber(Channel<E> channel, ThreadFactory threadFactory) {
        return new ChannelSubscriber<>(Objects.requireNonNull(channel, "channel"),
                Objects.requireNonNull(threadFactory, "threadFactory"));
    }
}
