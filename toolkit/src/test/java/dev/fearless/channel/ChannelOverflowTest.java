package dev.fearless.channel;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Dropping buffered channels ({@link Overflow}, conflated) and the onUndelivered callback: what
 * each policy keeps, that every element sent is received or handed to the callback exactly once
 * under concurrency on both thread kinds, and that a callback that throws leaves the channel
 * consistent (R7).
 */
@Timeout(60)
class ChannelOverflowTest {

    private final List<Object> undelivered = new CopyOnWriteArrayList<>();

    private Channel<Integer> channel(int capacity, Overflow overflow) {
        return Channel.<Integer>builder().name("drop").capacity(capacity).overflow(overflow)
                .onUndelivered(undelivered::add).build();
    }

    // ------------------------------------------------------------------ the builder

    @Test
    void theBuilderRejectsDroppingWithoutABoundedBuffer() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Channel.builder().overflow(Overflow.DROP_OLDEST).build()).getMessage()
                .startsWith("overflow DROP_OLDEST needs a bounded buffer, but capacity is 0 (rendezvous)"));
        assertThrows(IllegalArgumentException.class, () -> Channel.builder().unbounded().overflow(Overflow.DROP_LATEST).build());
        assertEquals("capacity must not be negative: -1",
                assertThrows(IllegalArgumentException.class, () -> Channel.builder().capacity(-1)).getMessage());
        assertEquals("overflow", assertThrows(NullPointerException.class, () -> Channel.builder().overflow(null)).getMessage());
        assertEquals("onUndelivered",
                assertThrows(NullPointerException.class, () -> Channel.builder().onUndelivered(null)).getMessage());
        assertEquals("name", assertThrows(NullPointerException.class, () -> Channel.builder().name(null)).getMessage());
    }

    @Test
    void theBuilderMakesEveryKind() throws Exception {
        assertEquals("Channel[default, rendezvous, size=0, open]", Channel.builder().build().toString());
        assertEquals("Channel[b, buffered(3), size=0, open]", Channel.builder().name("b").capacity(3).build().toString());
        assertEquals("Channel[default, unbounded, size=0, open]", Channel.builder().unbounded().build().toString());
        assertEquals("Channel[default, buffered(1, DROP_OLDEST), size=0, open]", Channel.builder().conflated().build().toString());
        Channel.Builder<Integer> builder = Channel.<Integer>builder().capacity(1);
        Channel<Integer> first = builder.build();
        assertTrue(builder.build() != first, "each build() makes a new channel");
        first.send(1);
        assertEquals(false, first.trySend(2), "BLOCK is the default");
    }

    // ------------------------------------------------------------------ what each policy keeps

    @Test
    void dropOldestKeepsTheNewestElements() throws Exception {
        Channel<Integer> channel = channel(2, Overflow.DROP_OLDEST);
        for (int i = 1; i <= 5; i++) {
            channel.send(i);
        }
        assertTrue(channel.trySend(6));
        assertEquals(new SendResult.Sent(), channel.trySendOrClosed(7));
        assertEquals(2, channel.size());
        assertEquals(List.of(1, 2, 3, 4, 5), undelivered);
        assertEquals(6, channel.receive());
        assertEquals(7, channel.receive());
        assertEquals(Optional.empty(), channel.tryReceive());
    }

    @Test
    void dropLatestKeepsTheOldestElements() throws Exception {
        Channel<Integer> channel = channel(2, Overflow.DROP_LATEST);
        for (int i = 1; i <= 4; i++) {
            channel.send(i);
        }
        assertTrue(channel.trySend(5, Duration.ofMinutes(1)), "a dropping send succeeds at once");
        assertEquals(List.of(3, 4, 5), undelivered);
        assertEquals(1, channel.receive());
        channel.send(6);
        assertEquals(2, channel.receive());
        assertEquals(6, channel.receive());
    }

    @Test
    void aConflatedChannelHoldsOnlyTheNewest() throws Exception {
        Channel<Integer> prices = Channel.<Integer>builder().conflated().onUndelivered(undelivered::add).build();
        for (int i = 1; i <= 4; i++) {
            prices.send(i);
        }
        assertEquals(4, prices.receive());
        assertEquals(List.of(1, 2, 3), undelivered);
        prices.send(5);
        prices.done();
        assertEquals(List.of(5), prices.stream().toList(), "done still drains the slot");
    }

    @Test
    void aSelectSendClauseDropsLikeASend() throws Exception {
        Channel<Integer> channel = channel(1, Overflow.DROP_OLDEST);
        Channel<Integer> other = Channel.rendezvous();
        channel.send(1);
        assertEquals("sent", Select.select(other.receiveClause(x -> "received"), channel.sendClause(2, () -> "sent")));
        assertEquals(List.of(1), undelivered);
        assertEquals(2, channel.receive());
    }

    // ------------------------------------------------------------------ conformance under concurrency

    static Stream<Arguments> droppingKinds() {
        List<Arguments> all = new ArrayList<>();
        for (Named<Overflow> policy : List.of(Named.of("DROP_OLDEST", Overflow.DROP_OLDEST), Named.of("DROP_LATEST", Overflow.DROP_LATEST))) {
            for (int capacity : new int[] {1, 4}) {
                for (Arguments threads : Forked.factories().toList()) {
                    all.add(Arguments.of(policy, capacity, threads.get()[0]));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} capacity {1} on {2}")
    @MethodSource("droppingKinds")
    void everyElementIsReceivedOrUndeliveredExactlyOnce(Overflow overflow, int capacity, ThreadFactory threads)
            throws Exception {
        int producers = 4;
        int perProducer = 2000;
        int total = producers * perProducer;
        AtomicIntegerArray received = new AtomicIntegerArray(total);
        AtomicIntegerArray dropped = new AtomicIntegerArray(total);
        Channel<Integer> channel = Channel.<Integer>builder().capacity(capacity).overflow(overflow)
                .onUndelivered(id -> dropped.incrementAndGet(id)).build();
        CountDownLatch go = new CountDownLatch(1);
        List<Forked<Void>> senders = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int first = p * perProducer;
            senders.add(Forked.start(threads, () -> {
                go.await();
                for (int id = first; id < first + perProducer; id++) {
                    switch (id % 3) {
                        case 0 -> channel.send(id);
                        case 1 -> assertTrue(channel.trySend(id), "a dropping channel always has room");
                        default -> assertEquals(new SendResult.Sent(), channel.trySendOrClosed(id));
                    }
                }
                return null;
            }));
        }
        List<Forked<List<Integer>>> receivers = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            receivers.add(Forked.start(threads, () -> {
                go.await();
                List<Integer> mine = new ArrayList<>();
                for (int id : channel) {
                    assertEquals(0, received.getAndIncrement(id), "received twice: " + id);
                    mine.add(id);
                }
                return mine;
            }));
        }
        go.countDown();
        for (Forked<Void> sender : senders) {
            sender.join();
        }
        channel.done();
        int receivedCount = 0;
        for (Forked<List<Integer>> receiver : receivers) {
            List<Integer> mine = receiver.join();
            receivedCount += mine.size();
            for (int p = 0; p < producers; p++) { // each producer's elements arrive in the order sent
                int producer = p;
                List<Integer> fromP = mine.stream().filter(id -> id / perProducer == producer).toList();
                List<Integer> sorted = new ArrayList<>(fromP);
                Collections.sort(sorted);
                assertEquals(sorted, fromP);
            }
        }
        for (int id = 0; id < total; id++) {
            assertEquals(1, received.get(id) + dropped.get(id),
                    "element " + id + ": received " + received.get(id) + ", dropped " + dropped.get(id));
        }
        assertTrue(receivedCount > 0);
        assertEquals(0, channel.size());
    }

    // ------------------------------------------------------------------ onUndelivered

    @Test
    void errorPassesTheDiscardedElementsToo() throws Exception {
        Channel<Integer> channel = channel(4, Overflow.BLOCK);
        channel.send(1);
        channel.send(2);
        assertEquals(List.of(1, 2), channel.error(new IllegalStateException("boom")));
        assertEquals(List.of(1, 2), undelivered);
        assertEquals(List.of(), channel.error(new IllegalStateException("again")), "nothing left");
        assertEquals(List.of(1, 2), undelivered);
    }

    @Test
    void doneDeliversWhatIsBufferedSoNothingIsUndelivered() throws Exception {
        Channel<Integer> channel = channel(4, Overflow.BLOCK);
        channel.send(1);
        channel.done();
        assertEquals(1, channel.receive());
        assertEquals(List.of(), undelivered);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.fearless.channel.Forked#factories")
    void aFailedBlockingSendPassesItsElement(ThreadFactory threads) throws Exception {
        Channel<Integer> channel = channel(1, Overflow.BLOCK);
        channel.send(1);
        Forked<Void> interrupted = Forked.start(threads, () -> {
            channel.send(2);
            return null;
        });
        await().until(() -> channel.waitingSenders() == 1);
        interrupted.thread.interrupt();
        interrupted.joinFailure(InterruptedException.class);
        assertEquals(List.of(2), undelivered, "an interrupted send");

        Forked<SendResult> closedWhileWaiting = Forked.start(threads, () -> channel.sendOrClosed(3));
        await().until(() -> channel.waitingSenders() == 1);
        channel.done();
        assertEquals(ChannelDone.instance(), closedWhileWaiting.join());
        assertEquals(List.of(2, 3), undelivered, "a send failed by done()");
        assertThrows(ChannelDoneException.class, () -> channel.send(4));
        assertEquals(List.of(2, 3, 4), undelivered, "a send after done()");
        assertEquals(1, channel.receive(), "the accepted element is still delivered");
    }

    @Test
    void tryFormsThatDidNotSendDoNotCallIt() throws Exception {
        Channel<Integer> channel = channel(1, Overflow.BLOCK);
        channel.send(1);
        assertEquals(false, channel.trySend(2));
        assertEquals(false, channel.trySend(3, Duration.ofMillis(1)));
        assertEquals(new SendResult.Full(), channel.trySendOrClosed(4));
        assertEquals("none", Select.select(channel.sendClause(5), Select.orDefault(() -> "none")));
        channel.done();
        assertThrows(ChannelDoneException.class, () -> channel.trySend(6));
        assertEquals(ChannelDone.instance(), channel.trySendOrClosed(7));
        assertEquals(List.of(), undelivered, "the caller still holds each of these elements");
    }

    // ------------------------------------------------------------------ a callback that throws (R7)

    static Stream<Arguments> throwables() {
        return Stream.of(
                Arguments.of(Named.of("RuntimeException", new IllegalStateException("callback failed"))),
                Arguments.of(Named.of("Error", new AssertionError("callback failed"))),
                Arguments.of(Named.of("StackOverflowError", new StackOverflowError("callback failed"))));
    }

    private Channel<Integer> throwingChannel(int capacity, Overflow overflow, Throwable thrown) {
        Consumer<Integer> callback = element -> {
            undelivered.add(element);
            sneakyThrow(thrown);
        };
        return Channel.<Integer>builder().capacity(capacity).overflow(overflow).onUndelivered(callback).build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("throwables")
    void aThrowingCallbackAfterADropLeavesTheSendDone(Throwable thrown) throws Exception {
        Channel<Integer> channel = throwingChannel(2, Overflow.DROP_OLDEST, thrown);
        channel.send(1);
        channel.send(2);
        assertSame(thrown, assertThrows(Throwable.class, () -> channel.send(3)));
        assertSame(thrown, assertThrows(Throwable.class, () -> channel.trySend(4)));
        Channel<Integer> idle = Channel.rendezvous();
        assertSame(thrown, assertThrows(Throwable.class, () -> Select.select(idle.receiveClause(), channel.sendClause(5))));
        assertEquals(List.of(1, 2, 3), undelivered);
        assertEquals(2, channel.size(), "the sends took effect");
        assertEquals(0, idle.waitingReceivers(), "the select left nothing behind");
        assertEquals(4, channel.receive());
        assertEquals(5, channel.receive());
        channel.send(6); // the channel still works
        assertEquals(6, channel.receive());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("throwables")
    void aThrowingCallbackInErrorStillSeesEveryElementAndClosesTheChannel(Throwable thrown) throws Exception {
        Channel<Integer> channel = throwingChannel(3, Overflow.BLOCK, thrown);
        channel.send(1);
        channel.send(2);
        channel.send(3);
        Forked<Void> blockedSender = Forked.start(Thread.ofPlatform().factory(), () -> {
            channel.send(4);
            return null;
        });
        await().until(() -> channel.waitingSenders() == 1);
        IllegalStateException cause = new IllegalStateException("boom");
        assertSame(thrown, assertThrows(Throwable.class, () -> channel.error(cause)));
        ChannelErrorException senderFailure = blockedSender.joinFailure(ChannelErrorException.class);
        assertSame(thrown, senderFailure.getSuppressed()[0], "the failed send's callback threw: suppressed");
        assertTrue(channel.isClosedForReceive());
        assertEquals(0, channel.size());
        assertEquals(List.of(1, 2, 3, 4), undelivered.stream().sorted().toList(), "every element reached the callback");
        assertEquals(new ChannelError<>(cause), channel.receiveOrClosed());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("throwables")
    void aThrowingCallbackOnAFailedSendIsSuppressed(Throwable thrown) throws Exception {
        Channel<Integer> channel = throwingChannel(1, Overflow.BLOCK, thrown);
        channel.done();
        ChannelDoneException e = assertThrows(ChannelDoneException.class, () -> channel.send(1));
        assertSame(thrown, e.getSuppressed()[0]);
        assertSame(thrown, assertThrows(Throwable.class, () -> channel.sendOrClosed(2)),
                "no exception to attach it to: it is thrown");
        assertInstanceOf(ChannelDone.class, channel.receiveOrClosed());
    }

    @SuppressWarnings("unchecked")
    private static <X extends Throwable> void sneakyThrow(Throwable t) throws X {
        throw (X) t;
    }
}
