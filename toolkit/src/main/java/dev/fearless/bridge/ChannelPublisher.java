package dev.fearless.bridge;

import dev.fearless.channel.Channel;
import dev.fearless.channel.ChannelDone;
import dev.fearless.channel.ChannelError;
import dev.fearless.channel.ChannelResult;
import dev.fearless.internal.TimeSource;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/** A channel as a single-subscriber {@link Flow.Publisher}; see {@link Flows#publisher(Channel)}. */
final class ChannelPublisher<E> implements Flow.Publisher<E> {

    /*
     * Implementation overview: `subscribed` admits the first subscriber (one CAS); the refused
     * ones are signalled on the caller's thread, which is allowed because they receive nothing
     * else. The admitted subscriber gets a Subscription whose own thread does all its signalling.
     *
     * Subscription thread loop: wait (park) until demand > 0, cancelled, a bad request, or the
     * channel closed for receiving (Channel has no closure callback, so while there is no demand
     * the thread re-checks isClosedForReceive with a parkNanos backing off from 1 ms to 100 ms:
     * rules 1.4/1.5 want a closure signalled even without demand); take
     * `lock`, re-check the flags and set `receiving`; receive from the channel; take `lock`,
     * clear `receiving` and the interrupt status. cancel() and a bad request set their flag, then
     * under `lock` interrupt the thread only if `receiving`: so an interrupt lands only inside the
     * receive (which then either took an element, delivered anyway so nothing is lost, or took
     * nothing), never in the subscriber's onNext; and a flag set before the thread enters the
     * receive is seen by its re-check under the same lock, so no cancel is missed.
     *
     * Demand: request(n) adds n with a CAS loop capped at Long.MAX_VALUE ("unbounded", never
     * decremented again, rule 3.17) and unparks the thread; the thread decrements once per element
     * before onNext, so demand never goes negative. Only the thread reads the flags to decide what
     * to signal next, so onNext, onError and onComplete are serial (rule 1.3).
     */

    /** The first and the longest pause of an idle subscription between checks for closure. */
    static final long MIN_IDLE_NANOS = 1_000_000L;
    static final long MAX_IDLE_NANOS = 100_000_000L;

    private final Channel<E> channel;
    private final ThreadFactory threadFactory;
    private final AtomicBoolean subscribed = new AtomicBoolean();

    ChannelPublisher(Channel<E> channel, ThreadFactory threadFactory) {
        this.channel = channel;
        this.threadFactory = threadFactory;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super E> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        if (!subscribed.compareAndSet(false, true)) {
            refuse(subscriber, new IllegalStateException("the publisher of " + channel
                    + " already has its subscriber; a channel's elements are received once (Reactive Streams"
                    + " rule 1.9). Create one Flows.publisher per consumer channel, or fan out downstream"));
            return;
        }
        Subscription<E> subscription = new Subscription<>(channel, subscriber);
        try {
            Thread thread = Factories.newUnstartedThread(threadFactory, subscription::runIfAccepted);
            subscription.thread = thread;
            subscription.accepted = true;
            thread.start();
        } catch (Throwable noThread) {
            // Any throwable, even an Error: the subscriber still gets onSubscribe then onError (rule
            // 1.9), and the publisher is free again, since nothing was received from the channel.
            subscription.accepted = false;
            subscribed.set(false);
            refuse(subscriber, noThread);
        }
    }

    /**
     * Signals a subscriber that gets no subscription. What it throws is dropped (rule 2.13: the
     * subscription is cancelled anyway), except a VirtualMachineError, which is not ours to hide.
     */
    private static void refuse(Flow.Subscriber<?> subscriber, Throwable why) {
        try {
            subscriber.onSubscribe(Refused.INSTANCE);
            subscriber.onError(why);
        } catch (VirtualMachineError error) {
            throw error;
        } catch (Throwable ignored) {
            // rule 2.13: a subscriber that throws is treated as cancelled
        }
    }

    /** The subscription given to refused subscribers: it has nothing to request or cancel. */
    private enum Refused implements Flow.Subscription {
        INSTANCE;

        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
    }

    @Override
    public String toString() {
        return "Flows.publisher(" + channel + ")";
    }

    private static final class Subscription<E> implements Flow.Subscription {
        private final Channel<E> channel;
        private Flow.@Nullable Subscriber<? super E> subscriber;     // dropped when the thread ends (rule 3.13)
        private final AtomicLong demand = new AtomicLong();
        private final ReentrantLock lock = new ReentrantLock();
        private volatile boolean cancelled;
        private volatile @Nullable IllegalArgumentException badRequest;
        private boolean receiving;                                    // guarded by lock
        volatile @Nullable Thread thread;                             // set before the thread starts
        volatile boolean accepted;                                    // its thread passed the factory check

        Subscription(Channel<E> channel, Flow.Subscriber<? super E> subscriber) {
            this.channel = channel;
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                if (badRequest == null) {
                    badRequest = new IllegalArgumentException("request(" + n + ") on the publisher of " + channel
                            + ": demand must be positive (Reactive Streams rule 3.9)");
                }
                wake(true);
                return;
            }
            long current;
            long next;
            do {
                current = demand.get();
                if (current == Long.MAX_VALUE) {
                    return;
                }
                next = current + n < 0 ? Long.MAX_VALUE : current + n;
            } while (!demand.compareAndSet(current, next));
            if (current == 0) {
                wake(false);
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
            wake(true);
        }

        private void wake(boolean interruptReceive) {
            Thread t = Objects.requireNonNull(thread); // set before the thread starts, so before onSubscribe
            if (interruptReceive) {
                lock.lock();
                try {
                    if (receiving) {
                        t.interrupt();
                    }
                } finally {
                    lock.unlock();
                }
            }
            LockSupport.unpark(t);
        }

        /** The thread's body: a thread the factory started itself finds the check not passed, and ends. */
        void runIfAccepted() {
            if (accepted) {
                run();
            }
        }

        void run() {
            Flow.Subscriber<? super E> s = Objects.requireNonNull(subscriber);
            try {
                s.onSubscribe(this);
                for (;;) {
                    if (!awaitDemand()) {
                        return;
                    }
                    ChannelResult<E> result = receive();
                    if (result == null) {
                        continue; // interrupted: the loop re-reads the flags
                    }
                    switch (result) {
                        case ChannelResult.Value<E>(E element) -> {
                            if (demand.get() != Long.MAX_VALUE) {
                                demand.decrementAndGet();
                            }
                            s.onNext(element);
                        }
                        case ChannelDone<E> _ -> {
                            cancelled = true;
                            s.onComplete();
                            return;
                        }
                        case ChannelError<E>(Throwable cause) -> {
                            cancelled = true;
                            s.onError(cause);
                            return;
                        }
                    }
                }
            } finally {
                cancelled = true;
                subscriber = null;
            }
        }

        /**
         * Parks until there is demand or the channel is closed for receiving (a closure is
         * signalled without demand, rules 1.4 and 1.5); returns false once nothing more is to be
         * signalled.
         */
        private boolean awaitDemand() {
            long idleNanos = MIN_IDLE_NANOS;
            for (;;) {
                if (cancelled) {
                    return false;
                }
                IllegalArgumentException bad = badRequest;
                if (bad != null) {
                    cancelled = true;
                    Objects.requireNonNull(subscriber).onError(bad);
                    return false;
                }
                if (demand.get() > 0 || channel.isClosedForReceive()) {
                    return true;
                }
                // The channel has no closure callback: an idle subscription looks again, backing off.
                TimeSource.parkNanos(this, idleNanos); // virtual time under the explorer
                idleNanos = Math.min(idleNanos * 2, MAX_IDLE_NANOS);
            }
        }

        /** Receives one result, or returns null if cancelled, refused or interrupted first. */
        private @Nullable ChannelResult<E> receive() {
            lock.lock();
            try {
                if (cancelled || badRequest != null) {
                    return null;
                }
                receiving = true;
            } finally {
                lock.unlock();
            }
            try {
                return channel.receiveOrClosed();
            } catch (InterruptedException e) {
                return null;
            } finally {
                lock.lock();
                try {
                    receiving = false;
                    Thread.interrupted(); // an interrupt aimed at the receive must not reach onNext
                } finally {
                    lock.unlock();
                }
            }
        }
    }
}
