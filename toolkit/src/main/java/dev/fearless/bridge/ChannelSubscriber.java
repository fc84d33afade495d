package dev.fearless.bridge;

import dev.fearless.channel.Channel;
import dev.fearless.channel.SendResult;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/** A {@link Flow.Subscriber} that feeds a channel; see {@link Flows#subscriber(Channel)}. */
final class ChannelSubscriber<E> implements Flow.Subscriber<E> {

    /*
     * Implementation overview: the Reactive Streams signals are appended, in the order they
     * arrive (they are serial by rule 1.3), to an unbounded queue; one thread ("the feeder"),
     * started by the first onSubscribe, takes them and sends each element into the channel with a
     * blocking send, so onNext never blocks the publisher. The feeder is the only caller of
     * request and cancel after onSubscribe, which makes them serial (rule 2.7).
     *
     * Request accounting (feeder-only, plain ints): it requests `batch` = min(max(capacity, 1),
     * MAX_BATCH) first, then `half` = max(batch / 2, 1) each time `half` elements have been
     * accepted by the channel. Invariant: queued + being sent + outstanding demand <= batch, so
     * the queue holds at most `batch` elements from a compliant publisher (rule 1.1). A publisher
     * that sends more than requested is not trusted further: its surplus is still sent in order.
     *
     * Termination: onComplete / onError are queued behind the elements, so every element received
     * before them reaches the channel first; the feeder then calls done() / error(cause) and ends.
     * If a send finds the channel closed, the feeder cancels the subscription, sets `stopped` so
     * later signals are dropped instead of queued, and ends.
     */

    /** The largest first request, for channels of large or unbounded capacity. */
    static final int MAX_BATCH = 1024;

    private static final Object COMPLETE = new Object();

    private record Failure(Throwable cause) {}

    private final Channel<E> channel;
    private final ThreadFactory threadFactory;
    private final int batch;
    private final AtomicBoolean subscribed = new AtomicBoolean();
    private final LinkedBlockingQueue<Object> signals = new LinkedBlockingQueue<>();
    private volatile boolean stopped;

    ChannelSubscriber(Channel<E> channel, ThreadFactory threadFactory) {
        this.channel = channel;
        this.threadFactory = threadFactory;
        this.batch = Math.min(Math.max(channel.capacity(), 1), MAX_BATCH);
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        Objects.requireNonNull(subscription, "subscription");
        if (!subscribed.compareAndSet(false, true)) {
            subscription.cancel(); // rule 2.5: one subscription at a time, for the whole life of this subscriber
            return;
        }
        AtomicBoolean accepted = new AtomicBoolean();
        try {
            Thread feeder = Factories.newUnstartedThread(threadFactory, () -> {
                if (accepted.get()) {               // a thread the factory started itself ends here
                    feed(subscription);
                }
            });
            accepted.set(true);
            feeder.start();
        } catch (Throwable noThread) {              // any throwable: the channel's consumers must not wait forever
            accepted.set(false);
            stopped = true;
            cancel(subscription, noThread);
            channel.error(noThread);
        }
    }

    @Override
    public void onNext(E element) {
        Objects.requireNonNull(element, "element");
        if (!stopped) {
            signals.add(element);
        }
    }

    @Override
    public void onError(Throwable cause) {
        Objects.requireNonNull(cause, "cause");
        if (!stopped) {
            signals.add(new Failure(cause));
        }
    }

    @Override
    public void onComplete() {
        if (!stopped) {
            signals.add(COMPLETE);
        }
    }

    private void feed(Flow.Subscription subscription) {
        int half = Math.max(batch / 2, 1);
        int sinceRequest = 0;
        Throwable failure;
        try {
            if (channel.isClosedForSend()) {
                stop(subscription);
                return;
            }
            subscription.request(batch);
            for (;;) {
                Object signal = signals.take();
                if (signal == COMPLETE) {
                    channel.done();
                    return;
                }
                if (signal instanceof Failure(Throwable cause)) {
                    channel.error(cause);
                    return;
                }
                @SuppressWarnings("unchecked") // only onNext queues anything else
                E element = (E) signal;
                if (!(channel.sendOrClosed(element) instanceof SendResult.Sent)) {
                    stop(subscription);
                    return;
                }
                if (++sinceRequest == half) {
                    sinceRequest = 0;
                    subscription.request(half);
                }
            }
        } catch (Throwable e) {
            // Interrupted (only the owner of a custom thread factory can interrupt the feeder), or
            // the publisher's request() threw: nothing more can be sent, so the channel's
            // consumers are told rather than left waiting.
            failure = e;
        }
        stopped = true;
        signals.clear();
        cancel(subscription, failure);
        channel.error(failure);
        if (failure instanceof VirtualMachineError error) {
            throw error;
        }
    }

    private void stop(Flow.Subscription subscription) {
        stopped = true;
        cancel(subscription, null);
        signals.clear();
    }

    /** Cancels the publisher's subscription; what its cancel() throws is kept as suppressed by {@code failure}. */
    private static void cancel(Flow.Subscription subscription, @Nullable Throwable failure) {
        try {
            subscription.cancel();
        } catch (Throwable thrown) {
            if (failure != null && failure != thrown) {
                failure.addSuppressed(thrown);
            }
        }
    }

    @Override
    public String toString() {
        return "Flows.subscriber(" + channel + ")";
    }

    /** For tests: the first request this subscriber makes. */
    int batch() {
        return batch;
    }
}
