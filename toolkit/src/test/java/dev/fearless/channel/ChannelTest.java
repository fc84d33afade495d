package dev.fearless.channel;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.internal.Threads;
import dev.fearless.telemetry.Telemetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(60)
class ChannelTest {

    /** Every kind of channel, for tests that hold for all of them. */
    static Stream<Arguments> kinds() {
        return Stream.of(
                Arguments.of(Named.<Supplier<Channel<Integer>>>of("rendezvous", Channel::rendezvous)),
                Arguments.of(Named.<Supplier<Channel<Integer>>>of("buffered(1)", () -> Channel.buffered(1))),
                Arguments.of(Named.<Supplier<Channel<Integer>>>of("buffered(16)", () -> Channel.buffered(16))),
                Arguments.of(Named.<Supplier<Channel<Integer>>>of("unbounded", Channel::unbounded)));
    }

    /** Every kind of channel crossed with both thread kinds. */
    static Stream<Arguments> kindsAndThreads() {
        return kinds().flatMap(kind -> Forked.factories().map(f -> Arguments.of(kind.get()[0], f.get()[0])));
    }

    // ------------------------------------------------------------------ creation

    @Nested
    class Creation {

        @Test
        void capacitiesAndNames() {
            assertEquals(0, Channel.rendezvous().capacity());
            assertEquals(16, Channel.buffered(16).capacity());
            assertEquals(Integer.MAX_VALUE, Channel.unbounded().capacity());
            assertEquals(Telemetry.DEFAULT_NAME, Channel.rendezvous().name());
            assertEquals(Telemetry.DEFAULT_NAME, Channel.buffered(3).name());
            assertEquals(Telemetry.DEFAULT_NAME, Channel.unbounded().name());
            assertEquals("a", Channel.rendezvous("a").name());
            assertEquals("b", Channel.buffered(2, "b").name());
            assertEquals("c", Channel.unbounded("c").name());
        }

        @Test
        void badCapacityIsRejectedWithTheRule() {
            IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> Channel.buffered(0));
            assertTrue(zero.getMessage().contains("capacity must be positive: 0"), zero.getMessage());
            assertTrue(zero.getMessage().contains("rendezvous()"), zero.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Channel.buffered(-1, "x"));
        }

        @Test
        void nullArgumentsAreNamed() {
            assertEquals("name", assertThrows(NullPointerException.class, () -> Channel.rendezvous(null)).getMessage());
            assertEquals("name", assertThrows(NullPointerException.class, () -> Channel.buffered(1, null)).getMessage());
            assertEquals("name", assertThrows(NullPointerException.class, () -> Channel.unbounded(null)).getMessage());
            for (String blank : List.of("", " ", "\t")) {
                assertTrue(assertThrows(IllegalArgumentException.class, () -> Channel.rendezvous(blank)).getMessage()
                        .startsWith("name must not be blank"));
                assertThrows(IllegalArgumentException.class, () -> Channel.buffered(1, blank));
                assertThrows(IllegalArgumentException.class, () -> Channel.unbounded(blank));
                assertThrows(IllegalArgumentException.class, () -> Channel.builder().name(blank));
            }
            Channel<Integer> channel = Channel.buffered(1);
            assertEquals("element", assertThrows(NullPointerException.class, () -> channel.send(null)).getMessage());
            assertEquals("element", assertThrows(NullPointerException.class, () -> channel.trySend(null)).getMessage());
            assertEquals("element", assertThrows(NullPointerException.class, () -> channel.sendClause(null)).getMessage());
            assertEquals("cause", assertThrows(NullPointerException.class, () -> channel.error(null)).getMessage());
            assertEquals("timeout", assertThrows(NullPointerException.class, () -> channel.tryReceive(null)).getMessage());
            assertEquals(0, channel.size(), "a rejected call changes nothing");
        }

        @Test
        void negativeTimeoutIsRejected() {
            Channel<Integer> channel = Channel.buffered(1);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> channel.trySend(1, Duration.ofSeconds(-1)));
            assertTrue(e.getMessage().contains("timeout must not be negative"), e.getMessage());
            assertEquals("timeout must not be negative: PT-0.000000001S", assertThrows(IllegalArgumentException.class,
                    () -> channel.tryReceive(Duration.ofNanos(-1))).getMessage());
            assertThrows(IllegalArgumentException.class, () -> channel.trySendOrClosed(1, Duration.ofSeconds(-1)));
            assertThrows(IllegalArgumentException.class, () -> channel.tryReceiveOrClosed(Duration.ofSeconds(-1)));
            assertEquals(0, channel.size());
        }

        @Test
        void toStringShowsKindSizeAndState() throws Exception {
            Channel<Integer> channel = Channel.buffered(4, "jobs");
            channel.send(1);
            assertEquals("Channel[jobs, buffered(4), size=1, open]", channel.toString());
            channel.done();
            assertEquals("Channel[jobs, buffered(4), size=1, done]", channel.toString());
            channel.error(new IllegalStateException());
            assertEquals("Channel[jobs, buffered(4), size=0, error]", channel.toString());
            assertEquals("Channel[default, rendezvous, size=0, open]", Channel.rendezvous().toString());
            assertEquals("Channel[default, unbounded, size=0, open]", Channel.unbounded().toString());
        }
    }

    // ------------------------------------------------------------------ sending and receiving

    @Nested
    class SendAndReceive {

        @Test
        void bufferedIsFifoAndBoundedForTrySend() throws Exception {
            Channel<Integer> channel = Channel.buffered(3);
            assertTrue(channel.trySend(1));
            channel.send(2);
            assertTrue(channel.trySend(3, Duration.ZERO));
            assertFalse(channel.trySend(4), "full");
            assertEquals(3, channel.size());
            assertEquals(1, channel.receive());
            assertEquals(Optional.of(2), channel.tryReceive());
            assertEquals(Optional.of(3), channel.tryReceive(Duration.ZERO));
            assertEquals(Optional.empty(), channel.tryReceive(), "empty");
            assertEquals(0, channel.size());
        }

        @Test
        void rendezvousBuffersNothing() {
            Channel<Integer> channel = Channel.rendezvous();
            assertFalse(channel.trySend(1), "no receiver waits");
            assertEquals(Optional.empty(), channel.tryReceive(), "no sender waits");
            assertEquals(0, channel.size());
        }

        @Test
        void unboundedNeverBlocksAndGrowsAndShrinks() throws Exception {
            Channel<Integer> channel = Channel.unbounded();
            for (int i = 0; i < 10_000; i++) {
                assertTrue(channel.trySend(i));
            }
            assertEquals(10_000, channel.size());
            for (int i = 0; i < 10_000; i++) {
                assertEquals(i, channel.receive());
            }
            assertEquals(0, channel.size());
            // wrap-around after shrinking keeps order
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 100; i++) {
                    channel.send(i);
                }
                for (int i = 0; i < 100; i++) {
                    assertEquals(i, channel.receive());
                }
            }
        }

        @Test
        void largeBufferedCapacityKeepsOrderAcrossGrowthAndWrapAround() throws Exception {
            Channel<Integer> channel = Channel.buffered(1000);
            int next = 0;
            int expected = 0;
            for (int round = 0; round < 20; round++) {
                while (channel.trySend(next)) {
                    next++;
                }
                assertEquals(1000, channel.size());
                for (int i = 0; i < 700; i++) {
                    assertEquals(expected++, channel.receive());
                }
            }
        }

        @ParameterizedTest(name = "{0} on {1}")
        @MethodSource("dev.fearless.channel.ChannelTest#kindsAndThreads")
        void sendsAreReceivedInOrderAcrossThreads(Supplier<Channel<Integer>> kind, ThreadFactory threads) throws Exception {
            Channel<Integer> channel = kind.get();
            Forked<Void> producer = Forked.start(threads, () -> {
                for (int i = 0; i < 1000; i++) {
                    channel.send(i);
                }
                channel.done();
                return null;
            });
            List<Integer> received = new ArrayList<>();
            for (Integer i : channel) {
                received.add(i);
            }
            producer.join();
            assertEquals(IntStream.range(0, 1000).boxed().toList(), received);
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.fearless.channel.Forked#factories")
        void rendezvousSendWaitsForAReceiver(ThreadFactory threads) throws Exception {
            Channel<String> channel = Channel.rendezvous();
            Forked<Void> sender = Forked.start(threads, () -> {
                channel.send("hello");
                return null;
            });
            await().until(() -> channel.waitingSenders() == 1);
            sender.assertRunning();
            assertEquals(0, channel.size(), "a blocked sender's element is not buffered");
            assertEquals("hello", channel.receive());
            sender.join();
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.fearless.channel.Forked#factories")
        void receiveWaitsForASender(ThreadFactory threads) throws Exception {
            Channel<String> channel = Channel.buffered(2);
            Forked<String> receiver = Forked.start(threads, channel::receive);
            await().until(() -> channel.waitingReceivers() == 1);
            receiver.assertRunning();
            assertTrue(channel.trySend("hello"), "a waiting receiver takes the element directly");
            assertEquals("hello", receiver.join());
            assertEquals(0, channel.size());
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.fearless.channel.Forked#factories")
        void fullBufferBlocksTheSenderUntilAReceiverMakesRoom(ThreadFactory threads) throws Exception {
            Channel<Integer> channel = Channel.buffered(2);
            channel.send(1);
            channel.send(2);
            Forked<Void> sender = Forked.start(threads, () -> {
                channel.send(3);
                return null;
            });
            await().until(() -> channel.waitingSenders() == 1);
            assertEquals(1, channel.receive());
            sender.join();
            assertEquals(2, channel.size(), "the waiting sender's element moved into the freed slot");
            assertEquals(2, channel.receive());
            assertEquals(3, channel.receive());
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.fearless.channel.Forked#factories")
        void timedOperationsGiveUpWithoutEffect(ThreadFactory threads) throws Exception {
            Channel<Integer> full = Channel.buffered(1);
            full.send(1);
            Forked<Boolean> sender = Forked.start(threads, () -> full.trySend(2, Duration.ofMillis(20)));
            assertFalse(sender.join());
            assertEquals(0, full.waitingSenders(), "the timed-out sender left the queue");
            assertEquals(1, full.receive());
            assertEquals(Optional.empty(), full.tryReceive(), "the timed-out element was not sent");

            Channel<Integer> empty = Channel.rendezvous();
            Forked<Optional<Integer>> receiver = Forked.start(threads, () -> empty.tryReceive(Duration.ofMillis(20)));
            assertEquals(Optional.empty(), receiver.join());
            assertEquals(0, empty.waitingReceivers());
            assertFalse(empty.trySend(1), "the timed-out receiver is gone");
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.fearless.channel.Forked#factories")
        void timedOperationsSucceedWhenACounterpartArrives(ThreadFactory threads) throws Exception {
            Channel<Integer> channel = Channel.rendezvous();
            Forked<Optional<Integer>> receiver = Forked.start(threads, () -> channel.tryReceive(Duration.ofMinutes(1)));
            await().until(() -> channel.waitingReceivers() == 1);
            assertTrue(channel.trySend(7, Duration.ofMinutes(1)));
            assertEquals(Optional.of(7), receiver.join());
        }

        @Test
        void hugeTimeoutsMeanWaitingAsLongAsItTakes() throws Exception {
            Channel<Integer> channel = Channel.buffered(1);
            assertTrue(channel.trySend(1, Duration.ofSeconds(Long.MAX_VALUE)));
            assertEquals(Optional.of(1), channel.tryReceive(Duration.ofSeconds(Long.MAX_VALUE)));
        }
    }

    // ------------------------------------------------------------------ interruption

    @Nested
    class Interruption {

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.fearless.channel.Forked#factories")
        void interruptedSendLeavesNoElementBehind(ThreadFactory threads) throws Exception {
            for (Channel<Integer> channel : List.of(Channel.<Integer>rendezvous(), Channel.<Integer>buffered(1))) {
                if (channel.capacity() == 1) {
                    channel.send(0);
                }
                Forked<Void> sender = Forked.start(threads, () -> {
                    channel.send(1);
                    return null;
                });
                await().until(() -> channel.waitingSenders() == 1);
                sender.thread.interrupt();
                InterruptedException e = sender.joinFailure(InterruptedException.class);
                assertTrue(e.getMessage().contains("send on channel 'default' was interrupted"), e.getMessage());
                assertEquals(0, channel.waitingSenders());
                channel.done();
                List<Integer> rest = new ArrayList<>();
                channel.forEach(rest::add);
                assertEquals(channel.capacity() == 1 ? List.of(0) : List.of(), rest, "no phantom element");
            }
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.fearless.channel.Forked#factories")
        void interruptedReceiveTakesNothing(ThreadFactory threads) throws Exception {
            Channel<Integer> channel = Channel.buffered(1);
            Forked<Integer> receiver = Forked.start(threads, channel::receive);
            await().until(() -> channel.waitingReceivers() == 1);
            receiver.thread.interrupt();
            receiver.joinFailure(InterruptedException.class);
            assertEquals(0, channel.waitingReceivers());
            channel.send(5);
            assertEquals(5, channel.receive(), "the element went to nobody else");
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.fearless.channel.Forked#factories")
        void blockingOperationsThrowAtOnceWhenAlreadyInterrupted(ThreadFactory threads) throws Exception {
            Channel<Integer> channel = Channel.buffered(2);
            channel.send(1);
            Forked<List<String>> task = Forked.start(threads, () -> {
                List<String> seen = new ArrayList<>();
                Thread.currentThread().interrupt();
                try {
                    channel.receive();
                } catch (InterruptedException e) {
                    seen.add("receive");
                }
                Thread.currentThread().interrupt();
                try {
                    channel.send(2);
                } catch (InterruptedException e) {
                    seen.add("send");
                }
                Thread.currentThread().interrupt();
                seen.add("trySend=" + channel.trySend(3)); // non-blocking forms ignore the status
                seen.add("interrupted=" + Thread.interrupted());
                return seen;
            });
            assertEquals(List.of("receive", "send", "trySend=true", "interrupted=true"), task.join());
            assertEquals(1, channel.receive());
            assertEquals(3, channel.receive());
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.fearless.channel.Forked#factories")
        void iterationTurnsAnInterruptIntoCancellationAndKeepsTheStatus(ThreadFactory threads) throws Exception {
            Channel<Integer> channel = Channel.rendezvous();
            Forked<Boolean> consumer = Forked.start(threads, () -> {
                try {
                    for (Integer ignored : channel) {
                        throw new AssertionError("nothing was sent");
                    }
                    return false;
                } catch (CancellationException e) {
                    assertInstanceOf(InterruptedException.class, e.getCause());
                    return Thread.currentThread().isInterrupted();
                }
            });
            await().until(() -> channel.waitingReceivers() == 1);
            consumer.thread.interrupt();
            assertTrue(consumer.join(), "interrupt status restored");
        }
    }

    // ------------------------------------------------------------------ closing

    @Nested
    class Closing {

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.fearless.channel.ChannelTest#kinds")
        void doneDrainsTheBufferThenReportsDone(Supplier<Channel<Integer>> kind) throws Exception {
            Channel<Integer> channel = kind.get();
            int buffered = Math.min(channel.capacity(), 3);
            for (int i = 0; i < buffered; i++) {
                channel.send(i);
            }
            assertTrue(channel.done());
            assertFalse(channel.done(), "second done has no effect");
            assertTrue(channel.isClosedForSend());
            assertEquals(buffered == 0, channel.isClosedForReceive());
            for (int i = 0; i < buffered; i++) {
                assertEquals(i, channel.receive());
            }
            assertTrue(channel.isClosedForReceive());
            ChannelDoneException e = assertThrows(ChannelDoneException.class, channel::receive);
            assertTrue(e.getMessage().startsWith("receive on channel 'default' by thread \""), e.getMessage());
            assertTrue(e.getMessage().contains("every element has been received"), e.getMessage());
            assertInstanceOf(ChannelDone.class, channel.receiveOrClosed());
            assertThrows(ChannelDoneException.class, () -> channel.tryReceive());
            assertThrows(ChannelDoneException.class, () -> channel.tryReceive(Duration.ofSeconds(1)));
        }

        @Test
        void sendAfterDoneFailsWithAMessageThatSaysWhy() {
            Channel<Integer> channel = Channel.buffered(4, "orders");
            channel.done();
            ChannelDoneException e = assertThrows(ChannelDoneException.class, () -> channel.send(1));
            assertEquals("send on channel 'orders' by " + Threads.describe(Thread.currentThread())
                    + " failed: the channel is done (done() was called); nothing may be sent after done()", e.getMessage());
            assertThrows(ChannelDoneException.class, () -> channel.trySend(1));
            assertThrows(ChannelDoneException.class, () -> channel.trySend(1, Duration.ofSeconds(1)));
            assertEquals(0, channel.size());
        }

        @Test
        void messagesDescribeTheThreadInTheToolkitsOneFormat() throws Exception {
            Channel<Integer> channel = Channel.rendezvous("jobs");
            channel.done();
            Thread unnamed = Thread.ofVirtual().unstarted(() -> {});
            assertTrue(Threads.describe(unnamed).startsWith("thread #"), Threads.describe(unnamed));
            Forked<Integer> receive = Forked.start(Thread.ofVirtual().name("worker").factory(), channel::receive);
            String message = receive.joinFailure(ChannelDoneException.class).getMessage();
            assertTrue(message.contains(" by thread \"worker\" (#"), message);
            assertTrue(message.contains(", virtual) failed"), message);
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.fearless.channel.Forked#factories")
        void doneFailsBlockedSendersTheirElementsStayWithThem(ThreadFactory threads) throws Exception {
            Channel<Integer> channel = Channel.buffered(1);
            channel.send(1);
            Forked<SendResult> sender = Forked.start(threads, () -> channel.sendOrClosed(2));
            await().until(() -> channel.waitingSenders() == 1);
            channel.done();
            assertInstanceOf(ChannelDone.class, sender.join());
            assertEquals(1, channel.receive());
            assertThrows(ChannelDoneException.class, channel::receive);
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.fearless.channel.Forked#factories")
        void doneWakesBlockedReceivers(ThreadFactory threads) throws Exception {
            Channel<Integer> channel = Channel.rendezvous();
            List<Forked<ChannelResult<Integer>>> receivers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                receivers.add(Forked.start(threads, channel::receiveOrClosed));
            }
            await().until(() -> channel.waitingReceivers() == 3);
            channel.done();
            for (Forked<ChannelResult<Integer>> receiver : receivers) {
                assertInstanceOf(ChannelDone.class, receiver.join());
            }
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.fearless.channel.Forked#factories")
        void errorReachesSendersAndReceiversWithTheCause(ThreadFactory threads) throws Exception {
            Channel<Integer> full = Channel.buffered(1, "full");
            full.send(1);
            Forked<Void> sender = Forked.start(threads, () -> {
                full.send(2);
                return null;
            });
            Channel<Integer> empty = Channel.rendezvous("empty");
            Forked<Integer> receiver = Forked.start(threads, empty::receive);
            await().until(() -> full.waitingSenders() == 1 && empty.waitingReceivers() == 1);

            IllegalStateException cause = new IllegalStateException("boom");
            assertEquals(List.of(1), full.error(cause), "the buffered element is handed back");
            assertEquals(List.of(), empty.error(cause));

            ChannelErrorException sendFailure = sender.joinFailure(ChannelErrorException.class);
            assertSame(cause, sendFailure.getCause());
            assertTrue(sendFailure.getMessage().contains("send on channel 'full'"), sendFailure.getMessage());
            assertTrue(sendFailure.getMessage().contains("the channel is in error: java.lang.IllegalStateException: boom"),
                    sendFailure.getMessage());
            assertSame(cause, receiver.joinFailure(ChannelErrorException.class).getCause());

            assertEquals(new ChannelError<>(cause), full.receiveOrClosed());
            assertEquals(new ChannelError<>(cause), full.sendOrClosed(3));
            assertSame(cause, assertThrows(ChannelErrorException.class, () -> full.tryReceive()).getCause());
            assertSame(cause, assertThrows(ChannelErrorException.class, () -> full.trySend(3)).getCause());
            assertTrue(full.isClosedForSend());
            assertTrue(full.isClosedForReceive());
        }

        @Test
        void errorReturnsTheDiscardedElementsInOrderOnce() throws Exception {
            Channel<Integer> channel = Channel.unbounded();
            for (int i = 0; i < 100; i++) {
                channel.send(i);
            }
            List<Integer> discarded = channel.error(new RuntimeException("first"));
            assertEquals(IntStream.range(0, 100).boxed().toList(), discarded);
            discarded.add(-1); // the caller owns the list
            assertEquals(List.of(), channel.error(new RuntimeException("second")), "a second error has no effect");
            ChannelErrorException e = assertThrows(ChannelErrorException.class, channel::receive);
            assertEquals("first", e.getCause().getMessage(), "the first cause is kept");
            assertEquals(0, channel.size());
        }

        @Test
        void errorAfterDoneAbortsTheDrain() throws Exception {
            Channel<Integer> channel = Channel.buffered(4);
            channel.send(1);
            channel.send(2);
            channel.send(3);
            channel.done();
            assertEquals(1, channel.receive());
            assertEquals(List.of(2, 3), channel.error(new RuntimeException("abort")));
            assertThrows(ChannelErrorException.class, channel::receive);
        }

        @Test
        void errorAfterDoneAndDrainedHasNoEffect() throws Exception {
            Channel<Integer> channel = Channel.buffered(4);
            channel.send(1);
            channel.done();
            assertEquals(1, channel.receive());
            assertEquals(List.of(), channel.error(new RuntimeException("too late")));
            assertInstanceOf(ChannelDone.class, channel.receiveOrClosed(), "stays done");
        }

        @Test
        void closedResultsConvertToTheMatchingExceptions() {
            RuntimeException cause = new RuntimeException("x");
            assertInstanceOf(ChannelDoneException.class, ChannelDone.instance().toException());
            assertSame(cause, new ChannelError<>(cause).toException().getCause());
            assertEquals(ChannelDone.instance(), new ChannelDoneException("m").closed());
            assertEquals(new ChannelError<>(cause), new ChannelErrorException("m", cause).closed());
            assertEquals(new ChannelDone<>(), ChannelDone.instance(), "all done results are equal");
            assertEquals("cause", assertThrows(NullPointerException.class, () -> new ChannelError<>(null)).getMessage());
        }
    }

    // ------------------------------------------------------------------ closed as a value

    @Test
    void orClosedFormsReturnResultsThatSwitchesCover() throws Exception {
        Channel<String> channel = Channel.buffered(2);
        assertEquals(new SendResult.Sent(), channel.sendOrClosed("a"));
        channel.done();
        assertEquals(ChannelDone.instance(), channel.sendOrClosed("b"));
        List<String> seen = new ArrayList<>();
        boolean more = true;
        while (more) {
            switch (channel.receiveOrClosed()) {
                case ChannelResult.Value(var element) -> seen.add(element);
                case ChannelDone() -> more = false;
                case ChannelError(var cause) -> throw new AssertionError(cause);
            }
        }
        assertEquals(List.of("a"), seen);
    }

    // ------------------------------------------------------------------ iteration

    @Nested
    class Iteration {

        @Test
        void iteratorEndsWhenDoneAndThenStaysEnded() throws Exception {
            Channel<Integer> channel = Channel.buffered(3);
            channel.send(1);
            channel.send(2);
            channel.done();
            Iterator<Integer> iterator = channel.iterator();
            assertTrue(iterator.hasNext());
            assertTrue(iterator.hasNext(), "hasNext is idempotent");
            assertEquals(1, iterator.next());
            assertEquals(2, iterator.next());
            assertFalse(iterator.hasNext());
            assertFalse(iterator.hasNext());
            assertThrows(java.util.NoSuchElementException.class, iterator::next);
        }

        @Test
        void iterationThrowsTheErrorAfterTheElementsBeforeIt() throws Exception {
            Channel<Integer> channel = Channel.buffered(3);
            channel.send(1);
            Iterator<Integer> iterator = channel.iterator();
            assertEquals(1, iterator.next());
            RuntimeException cause = new RuntimeException("producer failed");
            channel.error(cause);
            ChannelErrorException e = assertThrows(ChannelErrorException.class, iterator::hasNext);
            assertSame(cause, e.getCause());
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.fearless.channel.Forked#factories")
        void streamReceivesUntilDone(ThreadFactory threads) throws Exception {
            Channel<Integer> channel = Channel.rendezvous();
            Forked<Void> producer = Forked.start(threads, () -> {
                for (int i = 1; i <= 100; i++) {
                    channel.send(i);
                }
                channel.done();
                return null;
            });
            assertEquals(5050, channel.stream().mapToInt(Integer::intValue).sum());
            producer.join();
        }

        @Test
        void streamThrowsOnError() {
            Channel<Integer> channel = Channel.buffered(1);
            channel.error(new IllegalStateException("x"));
            assertThrows(ChannelErrorException.class, () -> channel.stream().count());
        }
    }

    @Test
    void tryOrClosedFormsSayWhyNothingHappened() throws Exception {
        Channel<String> channel = Channel.buffered(1, "why");
        assertEquals(new ReceiveResult.Empty<>(), channel.tryReceiveOrClosed(), "empty, still open");
        assertEquals(new ReceiveResult.Empty<>(), channel.tryReceiveOrClosed(Duration.ofMillis(1)));
        assertEquals(new SendResult.Sent(), channel.trySendOrClosed("a"));
        assertEquals(new SendResult.Full(), channel.trySendOrClosed("b"), "full, still open");
        assertEquals(new SendResult.Full(), channel.trySendOrClosed("b", Duration.ofMillis(1)));
        assertEquals(1, channel.size(), "a Full result sent nothing");
        channel.done();
        assertEquals(ChannelDone.instance(), channel.trySendOrClosed("c"));
        assertEquals(ChannelDone.instance(), channel.trySendOrClosed("c", Duration.ofSeconds(1)));
        assertEquals(new ChannelResult.Value<>("a"), channel.tryReceiveOrClosed(), "done still drains");
        assertEquals(ChannelDone.instance(), channel.tryReceiveOrClosed(), "done and drained");
        assertEquals(ChannelDone.instance(), channel.tryReceiveOrClosed(Duration.ofSeconds(1)));

        Channel<String> failed = Channel.rendezvous();
        IllegalStateException cause = new IllegalStateException("boom");
        failed.error(cause);
        assertEquals(new ChannelError<>(cause), failed.trySendOrClosed("x"));
        assertEquals(new ChannelError<>(cause), failed.tryReceiveOrClosed());
        assertEquals("element", assertThrows(NullPointerException.class, () -> channel.trySendOrClosed(null)).getMessage());
        assertEquals("timeout", assertThrows(NullPointerException.class,
                () -> channel.tryReceiveOrClosed(null)).getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.fearless.channel.Forked#factories")
    void timedTryOrClosedFormsWaitForACounterpart(ThreadFactory threads) throws Exception {
        Channel<Integer> channel = Channel.rendezvous();
        Forked<ReceiveResult<Integer>> receiver = Forked.start(threads,
                () -> channel.tryReceiveOrClosed(Duration.ofMinutes(1)));
        await().until(() -> channel.waitingReceivers() == 1);
        assertEquals(new SendResult.Sent(), channel.trySendOrClosed(5, Duration.ofMinutes(1)));
        assertEquals(new ChannelResult.Value<>(5), receiver.join());
        Forked<SendResult> sender = Forked.start(threads, () -> channel.trySendOrClosed(6, Duration.ofMinutes(1)));
        await().until(() -> channel.waitingSenders() == 1);
        channel.done();
        assertEquals(ChannelDone.instance(), sender.join(), "a closure while waiting is a result, not a throw");
    }

    @Test
    void everyTryOrClosedOutcomeIsCoveredByASwitch() {
        Channel<Integer> channel = Channel.buffered(1);
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            outcomes.add(switch (channel.trySendOrClosed(i)) {
                case SendResult.Sent() -> "sent";
                case SendResult.Full() -> "full";
                case ChannelDone<?>() -> "done";
                case ChannelError<?>(var cause) -> "error " + cause;
            });
            if (i == 1) {
                channel.done();
            }
        }
        assertEquals(List.of("sent", "full", "done"), outcomes);
    }
}
