package dev.fearless.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Channel#producers(int)}: several producers close a channel when the last one is done. */
@Timeout(60)
class ChannelProducersTest {

    @Test
    void theChannelIsDoneWhenTheLastProducerCloses() throws Exception {
        Channel<String> channel = Channel.buffered(8, "shared");
        List<Channel.Producer<String>> producers = channel.producers(3);
        assertEquals(3, producers.size());
        producers.get(0).send("a");
        producers.get(0).close();
        producers.get(0).close(); // idempotent: counts once
        producers.get(2).send("c");
        producers.get(2).close();
        assertFalse(channel.isClosedForSend(), "one producer is still open");
        assertTrue(producers.get(1).trySend("b", Duration.ZERO));
        producers.get(1).close();
        assertTrue(channel.isClosedForSend(), "the last close closed the channel");
        assertEquals(List.of("a", "c", "b"), channel.stream().toList());
        assertTrue(producers.stream().allMatch(Channel.Producer::isClosed));
        assertEquals(channel, producers.get(1).channel());
    }

    @Test
    void aClosedProducerMayNotSend() throws Exception {
        Channel<String> channel = Channel.buffered(1, "shared");
        List<Channel.Producer<String>> producers = channel.producers(2);
        producers.get(0).close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> producers.get(0).send("x"));
        assertEquals("producer 1 of 2 of channel 'shared' is closed; it may not send any more", e.getMessage());
        assertThrows(IllegalStateException.class, () -> producers.get(0).trySend("x", Duration.ZERO));
        assertEquals(0, channel.size());
        assertThrows(UnsupportedOperationException.class, () -> producers.add(producers.get(0)));
    }

    @Test
    void groupsAreIndependentAndAnErrorEndsEverything() throws Exception {
        Channel<Integer> channel = Channel.unbounded();
        List<Channel.Producer<Integer>> first = channel.producers(1);
        List<Channel.Producer<Integer>> second = channel.producers(1);
        first.get(0).close();
        assertTrue(channel.isClosedForSend(), "a group's last close closes the channel");
        assertThrows(ChannelDoneException.class, () -> second.get(0).send(1));
        second.get(0).close(); // on a closed channel: no effect

        Channel<Integer> failing = Channel.unbounded();
        List<Channel.Producer<Integer>> producers = failing.producers(2);
        producers.get(0).send(1);
        failing.error(new IllegalStateException("producer 0 failed"));
        assertThrows(ChannelErrorException.class, () -> producers.get(1).send(2));
        producers.get(1).close();
        producers.get(0).close();
        assertTrue(failing.isClosedForReceive());
    }

    @Test
    void aCountThatIsNotPositiveIsRejected() {
        Channel<Integer> channel = Channel.rendezvous();
        assertEquals("count must be positive: 0",
                assertThrows(IllegalArgumentException.class, () -> channel.producers(0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> channel.producers(-1));
        assertFalse(channel.isClosedForSend());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.fearless.channel.Forked#factories")
    void concurrentProducersCloseTheChannelExactlyWhenAllAreDone(ThreadFactory threads) throws Exception {
        for (int round = 0; round < 20; round++) {
            Channel<Integer> channel = Channel.rendezvous("round " + round);
            List<Forked<Void>> tasks = new ArrayList<>();
            int n = 8;
            int perProducer = 50;
            List<Channel.Producer<Integer>> producers = channel.producers(n);
            for (int p = 0; p < n; p++) {
                Channel.Producer<Integer> producer = producers.get(p);
                int first = p * perProducer;
                tasks.add(Forked.start(threads, () -> {
                    try (producer) {
                        for (int i = first; i < first + perProducer; i++) {
                            producer.send(i);
                        }
                    }
                    return null;
                }));
            }
            long sum = 0;
            int count = 0;
            for (int element : channel) { // ends only when every producer closed
                sum += element;
                count++;
            }
            for (Forked<Void> task : tasks) {
                task.join(); // no producer failed: none sent after done()
            }
            assertEquals(n * perProducer, count, "round " + round);
            assertEquals((long) n * perProducer * (n * perProducer - 1) / 2, sum, "round " + round);
        }
    }
}
