package dev.fearless.channel;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.telemetry.ChannelState;
import dev.fearless.telemetry.Outcome;
import dev.fearless.telemetry.Telemetry;
import dev.fearless.telemetry.TelemetryListener;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Isolated("registers a global telemetry listener")
@Timeout(60)
class ChannelTelemetryTest {

    private final Recorder recorder = new Recorder();
    private Telemetry.Registration registration;

    @BeforeEach
    void register() {
        registration = Telemetry.register(recorder);
    }

    @AfterEach
    void unregister() {
        registration.close();
    }

    @Test
    void theCreatedViewIsTheChannelItselfSoListenersCanHoldItWeakly() throws Exception {
        Channel<String> channel = Channel.buffered(8, "orders");
        assertEquals(1, recorder.created.size());
        ChannelState view = recorder.created.get(0);
        assertSame(channel, view, "no separate view object that only the listener would keep alive");
        assertEquals("orders", view.name());
        assertEquals(8, view.capacity());
        channel.send("a");
        channel.send("b");
        assertEquals(2, view.size());

        Channel.<String>rendezvous();
        Channel.<String>unbounded();
        assertEquals(List.of(Telemetry.DEFAULT_NAME, Telemetry.DEFAULT_NAME),
                recorder.created.subList(1, 3).stream().map(ChannelState::name).toList());
        assertEquals(List.of(0, Integer.MAX_VALUE),
                recorder.created.subList(1, 3).stream().map(ChannelState::capacity).toList());
    }

    @Test
    void operationsThatDoNotBlockReportZero() throws Exception {
        Channel<String> channel = Channel.buffered(2, "fast");
        channel.send("a");
        assertTrue(channel.trySend("b"));
        assertEquals("a", channel.receive());
        assertEquals(Optional.of("b"), channel.tryReceive());
        assertEquals(Optional.empty(), channel.tryReceive(), "nothing received: no event");
        assertEquals(List.of("sent fast 0", "sent fast 0", "received fast 0", "received fast 0"), recorder.events);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.fearless.channel.Forked#factories")
    void blockedOperationsReportHowLongTheyWaited(ThreadFactory threads) throws Exception {
        Channel<String> channel = Channel.rendezvous("slow");
        Forked<String> receiver = Forked.start(threads, channel::receive);
        await().until(() -> channel.waitingReceivers() == 1);
        channel.send("x");
        assertEquals("x", receiver.join());
        await().until(() -> recorder.blocked.size() == 1);
        assertEquals(List.of("received slow blocked"), recorder.blocked);
        assertTrue(recorder.events.contains("sent slow 0"), recorder.events.toString());
    }

    @Test
    void timedOutOperationsReportNothing() throws Exception {
        Channel<String> channel = Channel.rendezvous("idle");
        assertEquals(Optional.empty(), channel.tryReceive(Duration.ofMillis(5)));
        assertTrue(!channel.trySend("x", Duration.ofMillis(5)));
        assertEquals("idle", Select.select(channel.receiveClause(), Select.timeout(Duration.ofMillis(5), () -> "idle")));
        assertEquals(List.of(), recorder.events);
    }

    @Test
    void selectReportsTheSelectedClausesChannel() throws Exception {
        Channel<String> a = Channel.buffered(1, "a");
        Channel<String> b = Channel.buffered(1, "b");
        b.send("x");
        recorder.events.clear();
        assertEquals("x", Select.select(a.receiveClause(), b.receiveClause()));
        assertEquals("y", Select.select(a.sendClause("y"), b.sendClause("z")));
        assertEquals(List.of("received b 0", "sent a 0"), recorder.events);
    }

    @Test
    void closingIsReportedOnceWithTheDiscardedCount() throws Exception {
        Channel<String> done = Channel.buffered(4, "done");
        done.send("kept");
        done.done();
        done.done();
        Channel<String> failed = Channel.buffered(4, "failed");
        failed.send("x");
        failed.send("y");
        failed.error(new RuntimeException());
        failed.error(new RuntimeException());
        assertEquals(List.of("done success 0", "failed failure 2"), recorder.closed);
    }

    private static final class Recorder implements TelemetryListener {
        final List<ChannelState> created = new CopyOnWriteArrayList<>();
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<String> blocked = new CopyOnWriteArrayList<>();
        final List<String> closed = new CopyOnWriteArrayList<>();

        @Override
        public void channelCreated(ChannelState channel) {
            created.add(channel);
        }

        @Override
        public void channelSent(String channel, long blockedNanos) {
            record("sent " + channel, blockedNanos);
        }

        @Override
        public void channelReceived(String channel, long blockedNanos) {
            record("received " + channel, blockedNanos);
        }

        private void record(String what, long blockedNanos) {
            if (blockedNanos == 0) {
                events.add(what + " 0");
            } else {
                assertTrue(blockedNanos > 0, what + " reported negative time " + blockedNanos);
                blocked.add(what + " blocked");
            }
        }

        @Override
        public void channelClosed(String channel, Outcome outcome, int discarded) {
            closed.add(channel + " " + outcome.tag() + " " + discarded);
        }
    }
}
