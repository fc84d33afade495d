package dev.fearless.docs;

import dev.fearless.channel.Channel;
import dev.fearless.channel.ChannelClosed;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The names the Javadoc examples of {@code dev.fearless.channel} take for granted. Channels that
 * examples loop over until they end ({@link #channel}, {@link #orders}, {@link #refunds}) hold an
 * element or two and are done, so every loop ends; channels that examples select from while they
 * stay open ({@link #jobs}, {@link #stop}, {@link #replies}, {@link #a}) hold an element.
 */
@SuppressWarnings({"unused", "SameReturnValue"})
public abstract class ChannelExamples {

    /** Examples that compile but cannot run against one fixture, with the reason. */
    public static final Map<String, String> NOT_RUN = Map.of(
            "ChannelClosed.java: if (orders.sendOrClosed(order) instanceof ChannelClosed<?> closed) {",
            "orders is done so that the loops over it end, and this example rethrows what a send to it returns");

    public record Order(String id, int total) {}

    public record Refund(String id) {}

    public record Job(String id) {}

    public record Event(String name) {}

    public record Reading(double value) {}

    public record Page(String url) {}

    public record Price(int cents) {
        public void release() {}
    }

    public record Site(String host) {
        public List<Page> crawl() {
            return List.of(new Page(host + "/a"), new Page(host + "/b"));
        }
    }

    /** A buffered channel with {@code capacity} room, holding {@code elements}, done if asked. */
    @SafeVarargs
    protected static <E> Channel<E> holding(int capacity, boolean done, E... elements) {
        Channel<E> channel = Channel.buffered(capacity);
        for (E element : elements) {
            if (!channel.trySend(element)) {
                throw new IllegalStateException("no room for " + element);
            }
        }
        if (done) {
            channel.done();
        }
        return channel;
    }

    protected final Logger log = LoggerFactory.getLogger("examples");
    protected final String element = "e";
    protected final String reading = "r";
    protected final String x = "x";
    protected final Order order = new Order("o-1", 1200);
    protected final Channel<String> channel = holding(4, true, "first", "second");
    protected final Channel<Order> orders = holding(4, true, new Order("o-2", 10), new Order("o-3", 2000));
    protected final Channel<Refund> refunds = holding(4, true, new Refund("r-1"));
    protected final Channel<Job> jobs = holding(4, false, new Job("j-1"));
    protected final Channel<String> stop = holding(1, false, "stop");
    protected final Channel<String> replies = holding(1, false, "pong");
    protected final Channel<String> a = holding(1, false, "1");
    protected final Channel<String> b = holding(1, false);
    protected final List<Channel.Producer<String>> producers = Channel.<String>buffered(4).producers(2);
    protected final List<Site> sites = new ArrayList<>(List.of(new Site("a.example"), new Site("b.example")));
    protected int sent;
    protected int dropped;
    protected int skipped;

    protected List<Order> incoming() {
        return List.of(new Order("o-4", 5), new Order("o-5", 7));
    }

    protected void ship(Order order) {}

    protected void refund(Refund refund) {}

    protected void repay(Refund refund) {}

    protected void index(Page page) {}

    protected void handle(Object element) {}

    protected void doSomethingElse() {}

    protected void idle() {}

    protected void finish() {}

    protected void fail(Throwable cause) {}

    protected void backOff() {}

    protected void stopProducing() {}

    protected void stopProducing(ChannelClosed<?> closed) {}

    protected void stop(ChannelClosed<?> closed) {}
}
