package dev.fearless.bridge;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.channel.Channel;
import dev.fearless.channel.ChannelErrorException;
import dev.fearless.testing.ThreadKind;
import dev.fearless.testing.TrackingFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Flow adapters beyond the TCK: their documented choices, on both kinds of thread. */
@Timeout(30)
class FlowsTest {

    /** A subscriber that records every signal and requests as told. */
    static final class Recorder<E> implements Flow.Subscriber<E> {
        final LinkedBlockingQueue<E> items = new LinkedBlockingQueue<>();
        final CompletableFuture<Void> terminated = new CompletableFuture<>();
        final CompletableFuture<Flow.Subscription> subscription = new CompletableFuture<>();
        final long initialRequest;

        Recorder(long initialRequest) {
            this.initialRequest = initialRequest;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription.complete(s);
            if (initialRequest > 0) {
                s.request(initialRequest);
            }
        }

        @Override
        public void onNext(E item) {
            assertFalse(Thread.currentThread().isInterrupted(), "an interrupt reached onNext");
            items.add(item);
        }

        @Override
        public void onError(Throwable throwable) {
            terminated.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            terminated.complete(null);
        }

        List<E> drained() {
            List<E> list = new ArrayList<>();
            items.drainTo(list);
            return list;
        }
    }

    private static Channel<Integer> filled(int count) {
        Channel<Integer> channel = Channel.unbounded();
        for (int i = 0; i < count; i++) {
            assertTrue(channel.trySend(i));
        }
        return channel;
    }

    private static void joinAll(TrackingFactory threads) throws InterruptedException {
        for (Thread thread : threads.threads()) {
            thread.join();
        }
    }

    // ------------------------------------------------------------------ publisher

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void thePublisherDeliversEveryElementInOrderThenCompletesOnItsOwnThread(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Channel<Integer> channel = filled(100);
        channel.done();
        Recorder<Integer> recorder = new Recorder<>(Long.MAX_VALUE);
        Flows.publisher(channel, threads).subscribe(recorder);
        recorder.terminated.get();
        assertEquals(IntStream.range(0, 100).boxed().toList(), recorder.drained());
        assertEquals(1, threads.threads().size());
        assertTrue(kind.isKindOf(threads.threads().getFirst()));
        joinAll(threads);
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void thePublisherReceivesOnlyWhatWasRequested(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Channel<Integer> channel = filled(10);
        Recorder<Integer> recorder = new Recorder<>(3);
        Flows.publisher(channel, threads).subscribe(recorder);
        await().until(() -> recorder.items.size() == 3);
        await().until(() -> channel.size() == 7); // nothing taken ahead of demand
        recorder.subscription.get().cancel();
        joinAll(threads);
        assertEquals(7, channel.size());
        assertEquals(List.of(0, 1, 2), recorder.drained());
        assertFalse(channel.isClosedForSend(), "cancel leaves the channel to its other consumers");
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void cancellingWhileTheThreadWaitsOnAnEmptyChannelEndsItAndTakesNothing(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Channel<Integer> channel = Channel.rendezvous();
        Recorder<Integer> recorder = new Recorder<>(5);
        Flows.publisher(channel, threads).subscribe(recorder);
        Flow.Subscription subscription = recorder.subscription.get();
        await().until(() -> threads.threads().getFirst().getState() == Thread.State.WAITING);
        subscription.cancel();
        joinAll(threads);
        assertFalse(recorder.terminated.isDone(), "a cancelled subscription is not terminated by a signal");
        assertFalse(channel.trySend(1), "nobody is receiving any more");
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aChannelErrorIsSignalledWithItsCauseEvenWithoutDemand(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Channel<Integer> channel = filled(2);
        IllegalStateException cause = new IllegalStateException("upstream broke");
        Recorder<Integer> recorder = new Recorder<>(0);
        Flows.publisher(channel, threads).subscribe(recorder);
        channel.error(cause);
        Exception e = assertThrows(Exception.class, recorder.terminated::get);
        assertSame(cause, e.getCause());
        joinAll(threads);
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aDoneEmptyChannelCompletesWithoutDemand(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Channel<Integer> channel = Channel.buffered(4);
        Recorder<Integer> recorder = new Recorder<>(0);
        Flows.publisher(channel, threads).subscribe(recorder);
        recorder.subscription.get();
        channel.done();
        recorder.terminated.get();
        joinAll(threads);
    }

    @Test
    void aSecondSubscriberIsRefusedWithOnErrorAfterOnSubscribe() throws Exception {
        Channel<Integer> channel = filled(1);
        Flow.Publisher<Integer> publisher = Flows.publisher(channel);
        publisher.subscribe(new Recorder<>(0));
        Recorder<Integer> second = new Recorder<>(1);
        publisher.subscribe(second);
        assertTrue(second.subscription.isDone());
        Exception e = assertThrows(Exception.class, second.terminated::get);
        IllegalStateException refusal = assertInstanceOf(IllegalStateException.class, e.getCause());
        assertTrue(refusal.getMessage().contains("already has its subscriber"), refusal.getMessage());
        assertEquals(1, channel.size(), "the refused subscriber took nothing");
    }

    @Test
    void aNonPositiveRequestSignalsIllegalArgumentNamingRule39() throws Exception {
        Channel<Integer> channel = filled(1);
        Recorder<Integer> recorder = new Recorder<>(0);
        Flows.publisher(channel).subscribe(recorder);
        recorder.subscription.get().request(0);
        Exception e = assertThrows(Exception.class, recorder.terminated::get);
        IllegalArgumentException bad = assertInstanceOf(IllegalArgumentException.class, e.getCause());
        assertTrue(bad.getMessage().contains("3.9"), bad.getMessage());
    }

    @Test
    void nullArgumentsAreRejectedAtOnce() {
        Channel<Integer> channel = Channel.rendezvous();
        assertTrue(assertThrows(NullPointerException.class, () -> Flows.publisher(null)).getMessage().contains("channel"));
        assertTrue(assertThrows(NullPointerException.class, () -> Flows.publisher(channel, null)).getMessage()
                .contains("threadFactory"));
        assertTrue(assertThrows(NullPointerException.class, () -> Flows.subscriber(null)).getMessage().contains("channel"));
        assertThrows(NullPointerException.class, () -> Flows.publisher(channel).subscribe(null));
    }

    // ------------------------------------------------------------------ subscriber

    /** A publisher that records every request and lets the test push signals by hand. */
    static final class ManualPublisher implements Flow.Subscription {
        final List<Long> requests = new CopyOnWriteArrayList<>();
        final AtomicBoolean cancelled = new AtomicBoolean();
        volatile long outstanding;

        @Override
        public synchronized void request(long n) {
            requests.add(n);
            outstanding += n;
        }

        @Override
        public void cancel() {
            cancelled.set(true);
        }

        synchronized boolean take() {
            if (outstanding == 0) {
                return false;
            }
            outstanding--;
            return true;
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void theSubscriberRequestsABatchOfTheChannelsCapacityThenHalvesAsTheChannelAccepts(ThreadKind kind)
            throws Exception {
        TrackingFactory threads = kind.tracking();
        Channel<Integer> channel = Channel.buffered(8);
        Flow.Subscriber<Integer> subscriber = Flows.subscriber(channel, threads);
        ManualPublisher upstream = new ManualPublisher();
        subscriber.onSubscribe(upstream);
        await().until(() -> upstream.requests.equals(List.of(8L)));
        int sent = 0;
        for (int i = 0; i < 8; i++) {
            assertTrue(upstream.take());
            subscriber.onNext(sent++);
        }
        // the channel takes all 8; after each 4 accepted the feeder asks for 4 more
        await().until(() -> upstream.requests.equals(List.of(8L, 4L, 4L)));
        for (int i = 0; i < 8; i++) {
            assertTrue(upstream.take());
            subscriber.onNext(sent++);        // these wait in the subscriber: the channel is full
        }
        assertFalse(upstream.take(), "demand never exceeds the channel's room plus one batch");
        assertEquals(8, channel.size());
        List<Integer> received = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            received.add(channel.receive());
        }
        assertEquals(IntStream.range(0, 16).boxed().toList(), received);
        subscriber.onComplete();
        await().until(channel::isClosedForReceive);
        joinAll(threads);
        assertEquals(List.of(8L, 4L, 4L, 4L, 4L), upstream.requests, "half batches, as the channel accepted them");
        assertTrue(kind.isKindOf(threads.threads().getFirst()));
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void onErrorErrorsTheChannelAfterTheElementsBeforeIt(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Channel<Integer> channel = Channel.unbounded();
        Flow.Subscriber<Integer> subscriber = Flows.subscriber(channel, threads);
        ManualPublisher upstream = new ManualPublisher();
        subscriber.onSubscribe(upstream);
        await().until(() -> !upstream.requests.isEmpty());
        subscriber.onNext(1);
        IllegalStateException cause = new IllegalStateException("source failed");
        subscriber.onError(cause);
        joinAll(threads);
        ChannelErrorException e = assertThrows(ChannelErrorException.class, channel::receive);
        assertSame(cause, e.getCause());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aChannelClosedBySomeoneElseCancelsTheSubscription(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        Channel<Integer> channel = Channel.rendezvous();
        Flow.Subscriber<Integer> subscriber = Flows.subscriber(channel, threads);
        ManualPublisher upstream = new ManualPublisher();
        subscriber.onSubscribe(upstream);
        await().until(() -> upstream.requests.equals(List.of(1L)));
        subscriber.onNext(1);                 // the feeder blocks: nobody receives
        channel.done();
        await().untilTrue(upstream.cancelled);
        joinAll(threads);
        subscriber.onNext(2);                 // a late element is discarded, nothing blocks
    }

    @Test
    void aSecondOnSubscribeIsCancelled() {
        Flow.Subscriber<Integer> subscriber = Flows.subscriber(Channel.unbounded());
        ManualPublisher first = new ManualPublisher();
        ManualPublisher second = new ManualPublisher();
        subscriber.onSubscribe(first);
        subscriber.onSubscribe(second);
        assertTrue(second.cancelled.get());
        assertFalse(first.cancelled.get());
        subscriber.onComplete();
    }

    // ------------------------------------------------------------------ both ways

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aRoundTripThroughAJdkSubmissionPublisherKeepsEveryElementInOrder(ThreadKind kind) throws Exception {
        int count = 10_000;
        TrackingFactory threads = kind.tracking();
        Channel<Integer> source = Channel.buffered(3);
        Channel<Integer> sink = Channel.rendezvous();
        Flows.publisher(source, threads).subscribe(Flows.subscriber(sink, threads));
        Thread producer = kind.builder().start(() -> {
            try {
                for (int i = 0; i < count; i++) {
                    source.send(i);
                }
                source.done();
            } catch (InterruptedException e) {
                source.error(e);
            }
        });
        int expected = 0;
        for (int element : sink) {
            assertEquals(expected++, element);
        }
        assertEquals(count, expected);
        producer.join();
        joinAll(threads);

        // and through the JDK's own publisher, which signals from its executor's threads
        Channel<Integer> fromJdk = Channel.buffered(16);
        SubmissionPublisher<Integer> jdk = new SubmissionPublisher<>();
        {
            jdk.subscribe(Flows.subscriber(fromJdk, threads));
            Thread feeder = kind.builder().start(() -> {
                for (int i = 0; i < 1000; i++) {
                    jdk.submit(i);
                }
                jdk.close();
            });
            int next = 0;
            for (int element : fromJdk) {
                assertEquals(next++, element);
            }
            assertEquals(1000, next);
            feeder.join();
        }
        joinAll(threads);
    }

    @Test
    void theReadmeExampleCompiles() throws Exception {
        AtomicReference<List<String>> written = new AtomicReference<>(new ArrayList<>());
        SubmissionPublisher<String> reactiveQuery = new SubmissionPublisher<>();
        {
            Channel<String> rows = Channel.buffered(256, "rows");
            reactiveQuery.subscribe(Flows.subscriber(rows));
            Thread.ofVirtual().start(() -> {
                reactiveQuery.submit("a");
                reactiveQuery.submit("b");
                reactiveQuery.close();
            });
            for (String row : rows) {          // ends when the source completes, throws if it fails
                written.get().add(row);
            }
        }
        assertEquals(List.of("a", "b"), written.get());

        Channel<String> events = Channel.buffered(64, "events");
        Flow.Publisher<String> publisher = Flows.publisher(events);
        Recorder<String> subscriber = new Recorder<>(Long.MAX_VALUE);
        publisher.subscribe(subscriber);
        events.send("started");
        events.done();
        subscriber.terminated.get();
        assertEquals(List.of("started"), subscriber.drained());
    }

    @Test
    void manySmallRequestsFromOtherThreadsLoseAndDuplicateNothing() throws Exception {
        int count = 5_000;
        Channel<Integer> channel = filled(count);
        channel.done();
        Recorder<Integer> recorder = new Recorder<>(0);
        Flows.publisher(channel).subscribe(recorder);
        Flow.Subscription subscription = recorder.subscription.get();
        List<Thread> requesters = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            requesters.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < count / 4; i++) {
                    subscription.request(1);
                }
            }));
        }
        for (Thread requester : requesters) {
            requester.join();
        }
        subscription.request(1); // the completion needs no demand; this one must not break anything
        recorder.terminated.get();
        assertEquals(IntStream.range(0, count).boxed().toList(), recorder.drained());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void cancelRacingDeliveryLosesNothingAndNeverInterruptsOnNext(ThreadKind kind) throws Exception {
        int elements = 50;
        for (int round = 0; round < 200; round++) {
            TrackingFactory threads = kind.tracking();
            Channel<Integer> channel = filled(elements);
            AtomicBoolean interruptedInOnNext = new AtomicBoolean();
            LinkedBlockingQueue<Integer> delivered = new LinkedBlockingQueue<>();
            CompletableFuture<Flow.Subscription> subscription = new CompletableFuture<>();
            Flows.publisher(channel, threads).subscribe(new Flow.Subscriber<Integer>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    subscription.complete(s);
                }

                @Override
                public void onNext(Integer item) {
                    if (Thread.currentThread().isInterrupted()) {
                        interruptedInOnNext.set(true);
                    }
                    delivered.add(item);
                }

                @Override
                public void onError(Throwable throwable) {
                    interruptedInOnNext.set(true); // not expected either
                }

                @Override
                public void onComplete() {}
            });
            Flow.Subscription s = subscription.get();
            int cancelAfter = round % elements;
            Thread canceller = kind.builder().start(() -> {
                while (delivered.size() < cancelAfter) {
                    Thread.onSpinWait();
                }
                s.cancel();
            });
            for (int i = 0; i < elements; i++) {
                s.request(1);
            }
            canceller.join();
            joinAll(threads);
            List<Integer> all = new ArrayList<>(delivered);
            for (Optional<Integer> next = channel.tryReceive(); next.isPresent(); next = channel.tryReceive()) {
                all.add(next.get());
            }
            assertEquals(IntStream.range(0, elements).boxed().toList(), all, "round " + round);
            assertFalse(interruptedInOnNext.get(), "round " + round);
        }
    }
}
