package dev.fearless.channel;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(60)
class SelectTest {

    @Test
    void biasedSelectTakesTheFirstReadyClause() throws Exception {
        Channel<String> a = Channel.buffered(10);
        Channel<String> b = Channel.buffered(10);
        for (int i = 0; i < 10; i++) {
            a.send("a");
            b.send("b");
        }
        for (int i = 0; i < 10; i++) {
            assertEquals("a", Select.select(a.receiveClause(), b.receiveClause()));
        }
        assertEquals("b", Select.select(a.receiveClause(), b.receiveClause()), "a is empty now");
        assertEquals(9, b.size());
    }

    @Test
    void fairSelectGivesEveryReadyClauseAChance() throws Exception {
        Channel<String> a = Channel.unbounded();
        Channel<String> b = Channel.unbounded();
        Channel<String> c = Channel.unbounded();
        for (int i = 0; i < 3000; i++) {
            a.send("a");
            b.send("b");
            c.send("c");
        }
        ConcurrentHashMap<String, AtomicInteger> wins = new ConcurrentHashMap<>();
        for (int i = 0; i < 3000; i++) {
            String winner = Select.selectFair(a.receiveClause(), b.receiveClause(), c.receiveClause());
            wins.computeIfAbsent(winner, k -> new AtomicInteger()).incrementAndGet();
        }
        // with a uniform choice each gets ~1000; below 500 has probability far under 1e-50
        for (String name : List.of("a", "b", "c")) {
            assertTrue(wins.get(name).get() > 500, "wins: " + wins);
        }
    }

    @Test
    void clauseFunctionsMapTheResult() throws Exception {
        Channel<Integer> numbers = Channel.buffered(1);
        Channel<String> words = Channel.buffered(1);
        numbers.send(42);
        String result = Select.select(
                numbers.receiveClause(n -> "number " + n),
                words.receiveClause(w -> "word " + w));
        assertEquals("number 42", result);
        String sent = Select.select(words.sendClause("hi", () -> "sent hi"));
        assertEquals("sent hi", sent);
        assertEquals("hi", Select.select(words.receiveClause()));
        assertEquals("x", Select.select(words.sendClause("x")), "a plain send clause returns its element");
        assertNull(Select.select(words.receiveClause(w -> null)), "a clause may map to null");
    }

    @Test
    void defaultClauseWinsWhenNothingIsReady() throws Exception {
        Channel<String> a = Channel.rendezvous();
        Channel<String> b = Channel.buffered(1);
        b.send("full");
        assertEquals("none", Select.select(a.receiveClause(), Select.orDefault(() -> "none")));
        assertEquals("none", Select.select(Select.orDefault(() -> "none"), b.sendClause("more")), "in any position");
        assertEquals("full", Select.select(b.receiveClause(), Select.orDefault(() -> "none")));
        b.send("full");
        assertEquals("none", Select.selectFair(a.receiveClause(), Select.orDefault(() -> "none"), b.sendClause("x")));
        assertEquals(new ChannelResult.Value<>("none"),
                Select.selectOrClosed(List.of(a.receiveClause(), b.sendClause("y"), Select.orDefault(() -> "none"))));
        assertEquals(1, b.size(), "the default's select sent nothing");
    }

    @Test
    void aSelectWithOnlyADefaultReturnsTheDefault() throws Exception {
        assertEquals("d", Select.select(Select.orDefault(() -> "d")));
        assertEquals(new ChannelResult.Value<>("d"), Select.selectOrClosed(List.of(Select.orDefault(() -> "d"))));
        assertEquals("t", Select.select(Select.timeout(Duration.ZERO, () -> "t")), "a zero timeout does not wait");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.fearless.channel.Forked#factories")
    void aSelectWithOnlyATimeoutWaitsInterruptibly(ThreadFactory threads) throws Exception {
        assertEquals("later", Select.select(Select.timeout(Duration.ofMillis(5), () -> "later")));
        Forked<String> sleeper = Forked.start(threads, () -> Select.select(Select.timeout(Duration.ofMinutes(5), () -> "late")));
        await().until(() -> sleeper.thread.getState() == Thread.State.WAITING
                || sleeper.thread.getState() == Thread.State.TIMED_WAITING);
        sleeper.thread.interrupt();
        sleeper.joinFailure(InterruptedException.class);
    }

    @Test
    void anEmptySelectIsRejected() {
        assertEquals("a select needs at least one clause",
                assertThrows(IllegalArgumentException.class, () -> Select.select()).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Select.selectOrClosed());
        assertThrows(IllegalArgumentException.class, () -> Select.selectFair());
        assertThrows(IllegalArgumentException.class, () -> Select.select(List.<SelectClause<String>>of()));
        assertThrows(IllegalArgumentException.class, () -> Select.selectOrClosed(List.<SelectClause<String>>of()));
    }

    @Test
    void aListOfClausesIsSelectedLikeVarargs() throws Exception {
        List<Channel<Integer>> channels = List.of(Channel.buffered(1), Channel.buffered(1), Channel.buffered(1));
        channels.get(2).send(7);
        List<SelectClause<String>> clauses = new ArrayList<>();
        for (int i = 0; i < channels.size(); i++) {
            int index = i;
            clauses.add(channels.get(i).receiveClause(x -> index + ":" + x));
        }
        assertEquals("2:7", Select.select(clauses));
        clauses.add(Select.timeout(Duration.ofMillis(1), () -> "idle"));
        assertEquals("idle", Select.select(clauses));
        assertEquals("clauses[1]", assertThrows(NullPointerException.class,
                () -> Select.select(Arrays.asList(channels.get(0).receiveClause(), null))).getMessage());
        assertEquals("clauses", assertThrows(NullPointerException.class,
                () -> Select.select((List<SelectClause<String>>) null)).getMessage());
    }

    @Test
    void misuseIsRejectedBeforeAnythingHappens() throws Exception {
        Channel<String> a = Channel.buffered(1, "a");
        a.send("x");
        IllegalArgumentException twoFallbacks = assertThrows(IllegalArgumentException.class,
                () -> Select.select(Select.orDefault(() -> "d"), a.receiveClause(), Select.timeout(Duration.ZERO, () -> "t")));
        assertEquals("a select takes at most one default or timeout clause, but clauses[0] and clauses[2] are both one",
                twoFallbacks.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> Select.select(a.receiveClause(), a.sendClause("y")));
        assertEquals("each clause must use a different channel, but clauses[0] and clauses[1] both use channel 'a'",
                twice.getMessage());
        assertEquals("clauses[1]", assertThrows(NullPointerException.class,
                () -> Select.select(a.receiveClause(), null)).getMessage());
        assertEquals("clauses", assertThrows(NullPointerException.class,
                () -> Select.select((SelectClause<String>[]) null)).getMessage());
        assertEquals("timeout must not be negative: PT-0.001S", assertThrows(IllegalArgumentException.class,
                () -> Select.timeout(Duration.ofMillis(-1), () -> "t")).getMessage());
        assertEquals("timeout", assertThrows(NullPointerException.class, () -> Select.timeout(null, () -> "t")).getMessage());
        assertEquals("value", assertThrows(NullPointerException.class, () -> Select.timeout(Duration.ZERO, null)).getMessage());
        assertEquals("value", assertThrows(NullPointerException.class, () -> Select.orDefault(null)).getMessage());
        assertEquals(1, a.size(), "nothing was received");
        IllegalArgumentException notReceive = assertThrows(IllegalArgumentException.class,
                () -> Select.receiveAll(a.receiveClause(), Channel.<String>rendezvous().sendClause("z")));
        assertTrue(notReceive.getMessage().startsWith("receiveAll takes receive clauses only: receiveClauses[1]"),
                notReceive.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.fearless.channel.Forked#factories")
    void aTimeoutClauseGivesUpAndLeavesNothingBehind(ThreadFactory threads) throws Exception {
        Channel<String> a = Channel.rendezvous();
        Channel<String> b = Channel.rendezvous();
        Forked<String> selector = Forked.start(threads, () -> Select.select(a.receiveClause(), b.sendClause("x"),
                Select.timeout(Duration.ofMillis(20), () -> "timed out")));
        assertEquals("timed out", selector.join());
        assertEquals("zero", Select.selectFair(a.receiveClause(), Select.timeout(Duration.ZERO, () -> "zero")));
        assertEquals(new ChannelResult.Value<>("t"), Select.selectOrClosed(b.sendClause("y"),
                Select.timeout(Duration.ofMillis(1), () -> "t")));
        assertEquals(0, a.waitingReceivers());
        assertEquals(0, b.waitingSenders());
        assertEquals(Optional.empty(), b.tryReceive(), "the timed-out send clause sent nothing");
    }

    @Test
    void aTimeoutClauseDoesNotHideAReadyClause() throws Exception {
        Channel<String> a = Channel.buffered(1);
        a.send("now");
        SelectClause<String> fiveSeconds = Select.timeout(Duration.ofSeconds(5), () -> "late");
        assertEquals("now", Select.select(a.receiveClause(), fiveSeconds));
        assertEquals(new ChannelResult.Value<>("x"), Select.selectOrClosed(a.sendClause("x"), fiveSeconds));
        assertEquals("x", Select.selectFair(fiveSeconds, a.receiveClause()), "a clause may be reused");
        a.send("again");
        assertEquals("again", Select.select(a.receiveClause(), Select.timeout(Duration.ofSeconds(Long.MAX_VALUE), () -> "never")),
                "a huge timeout saturates");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.fearless.channel.Forked#factories")
    void aTimeoutClauseKeepsWaitingForACounterpart(ThreadFactory threads) throws Exception {
        Channel<String> a = Channel.rendezvous();
        Forked<String> selector = Forked.start(threads, () -> Select.select(a.receiveClause(),
                Select.timeout(Duration.ofMinutes(1), () -> "timed out")));
        await().until(() -> a.waitingReceivers() == 1);
        a.send("hello");
        assertEquals("hello", selector.join());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.fearless.channel.Forked#factories")
    void blockedSelectIsWokenByTheFirstCounterpart(ThreadFactory threads) throws Exception {
        Channel<String> a = Channel.rendezvous();
        Channel<String> b = Channel.rendezvous();
        Forked<String> selector = Forked.start(threads, () -> Select.select(a.receiveClause(), b.receiveClause()));
        await().until(() -> a.waitingReceivers() == 1 && b.waitingReceivers() == 1);
        b.send("from b");
        assertEquals("from b", selector.join());
        assertEquals(0, a.waitingReceivers(), "the other clause was withdrawn");
        assertTrue(!a.trySend("late"), "nobody receives from a any more");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.fearless.channel.Forked#factories")
    void blockedSendClauseCompletesWhenAReceiverArrives(ThreadFactory threads) throws Exception {
        Channel<String> a = Channel.rendezvous();
        Channel<String> full = Channel.buffered(1);
        full.send("old");
        Forked<String> selector = Forked.start(threads,
                () -> Select.select(a.sendClause("to a", () -> "a"), full.sendClause("to full", () -> "full")));
        await().until(() -> a.waitingSenders() == 1 && full.waitingSenders() == 1);
        assertEquals("old", full.receive(), "room in full: the select moves its element into the buffer");
        assertEquals("full", selector.join());
        assertEquals("to full", full.receive());
        assertEquals(0, a.waitingSenders());
        assertEquals(Optional.empty(), a.tryReceive());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.fearless.channel.Forked#factories")
    void selectsMatchEachOther(ThreadFactory threads) throws Exception {
        for (int round = 0; round < 200; round++) {
            Channel<Integer> a = Channel.rendezvous();
            Channel<Integer> b = Channel.rendezvous();
            Forked<String> left = Forked.start(threads,
                    () -> Select.select(a.sendClause(1, () -> "sent a"), b.receiveClause(x -> "received b" + x)));
            Forked<String> right = Forked.start(threads,
                    () -> Select.select(a.receiveClause(x -> "received a" + x), b.sendClause(2, () -> "sent b")));
            String l = left.join();
            String r = right.join();
            assertTrue(l.equals("sent a") && r.equals("received a1") || l.equals("received b2") && r.equals("sent b"),
                    l + " / " + r);
            assertEquals(0, a.waitingSenders() + a.waitingReceivers() + b.waitingSenders() + b.waitingReceivers());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.fearless.channel.Forked#factories")
    void interruptedSelectTakesAndSendsNothing(ThreadFactory threads) throws Exception {
        Channel<String> a = Channel.rendezvous();
        Channel<String> b = Channel.buffered(1);
        b.send("full");
        Forked<String> selector = Forked.start(threads, () -> Select.select(a.receiveClause(), b.sendClause("x")));
        await().until(() -> a.waitingReceivers() == 1 && b.waitingSenders() == 1);
        selector.thread.interrupt();
        InterruptedException e = selector.joinFailure(InterruptedException.class);
        assertEquals("select over channels 'default', 'default' was interrupted", e.getMessage());
        assertEquals(0, a.waitingReceivers() + b.waitingSenders());
        assertEquals("full", b.receive());
        assertEquals(Optional.empty(), b.tryReceive(), "the send clause sent nothing");
    }

    // ------------------------------------------------------------------ closed channels

    @Test
    void anErrorWinsEvenOverAReadyClause() throws Exception {
        Channel<String> ready = Channel.buffered(1);
        ready.send("x");
        Channel<String> failed = Channel.rendezvous("failed");
        RuntimeException cause = new RuntimeException("boom");
        failed.error(cause);
        assertEquals(new ChannelError<>(cause), Select.selectOrClosed(ready.receiveClause(), failed.receiveClause()));
        ChannelErrorException e = assertThrows(ChannelErrorException.class,
                () -> Select.select(ready.receiveClause(), failed.receiveClause()));
        assertSame(cause, e.getCause());
        assertTrue(e.getMessage().startsWith("select over channels 'default', 'failed' by "), e.getMessage());
        assertEquals(1, ready.size(), "nothing was received from the ready channel");
    }

    @Test
    void aSendClauseOnADoneChannelReportsDone() throws Exception {
        Channel<String> done = Channel.buffered(1);
        done.done();
        Channel<String> other = Channel.rendezvous();
        assertEquals(ChannelDone.instance(), Select.selectOrClosed(other.receiveClause(), done.sendClause("x")));
        ChannelDoneException e = assertThrows(ChannelDoneException.class, () -> Select.select(done.sendClause("x")));
        assertTrue(e.getMessage().contains("no clause can complete any more"), e.getMessage());
    }

    @Test
    void doneReceiveClausesAreSkippedUntilAllAreDone() throws Exception {
        // jox#64: once one channel is done, select must keep delivering the others' elements
        Channel<String> ch1 = Channel.buffered(1);
        Channel<String> ch2 = Channel.buffered(1);
        ch1.done();
        ch2.send("hello");
        ch2.done();
        assertEquals(new ChannelResult.Value<>("hello"), Select.selectOrClosed(ch1.receiveClause(), ch2.receiveClause()));
        for (int i = 0; i < 3; i++) {
            assertEquals(ChannelDone.instance(), Select.selectOrClosed(ch1.receiveClause(), ch2.receiveClause()));
            assertEquals(ChannelDone.instance(),
                    Select.selectOrClosed(ch1.receiveClause(), ch2.receiveClause(), Select.orDefault(() -> "d")),
                    "done wins over the default clause");
            assertEquals(ChannelDone.instance(),
                    Select.selectOrClosed(ch1.receiveClause(), Select.timeout(Duration.ofMinutes(1), () -> "t")),
                    "and over the timeout clause");
        }
        assertThrows(ChannelDoneException.class, () -> Select.select(ch1.receiveClause(), ch2.receiveClause()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.fearless.channel.Forked#factories")
    void blockedSelectKeepsWaitingWhenOneChannelIsDoneAndEndsWhenAllAre(ThreadFactory threads) throws Exception {
        Channel<String> a = Channel.rendezvous();
        Channel<String> b = Channel.rendezvous();
        Forked<ChannelResult<String>> selector = Forked.start(threads,
                () -> Select.selectOrClosed(a.receiveClause(), b.receiveClause()));
        await().until(() -> a.waitingReceivers() == 1 && b.waitingReceivers() == 1);
        a.done();
        await().until(() -> b.waitingReceivers() == 1 && a.waitingReceivers() == 0);
        selector.assertRunning();
        b.done();
        assertEquals(ChannelDone.instance(), selector.join());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.fearless.channel.Forked#factories")
    void blockedSelectSeesAnError(ThreadFactory threads) throws Exception {
        Channel<String> a = Channel.rendezvous();
        Channel<String> b = Channel.rendezvous();
        Forked<String> selector = Forked.start(threads, () -> Select.select(a.receiveClause(), b.sendClause("x")));
        await().until(() -> a.waitingReceivers() == 1 && b.waitingSenders() == 1);
        RuntimeException cause = new RuntimeException("failed");
        b.error(cause);
        assertSame(cause, selector.joinFailure(ChannelErrorException.class).getCause());
        assertEquals(0, a.waitingReceivers());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.fearless.channel.Forked#factories")
    void receiveAllDrainsEveryChannelUntilAllAreDone(ThreadFactory threads) throws Exception {
        List<Channel<Integer>> channels = List.of(Channel.rendezvous(), Channel.buffered(3), Channel.unbounded());
        List<Forked<Void>> producers = new ArrayList<>();
        for (int c = 0; c < channels.size(); c++) {
            Channel<Integer> channel = channels.get(c);
            int base = c * 1000;
            int count = 100 * (c + 1); // channels end at different times
            producers.add(Forked.start(threads, () -> {
                for (int i = 0; i < count; i++) {
                    channel.send(base + i);
                }
                channel.done();
                return null;
            }));
        }
        List<Integer> received = Collections.synchronizedList(new ArrayList<>());
        Select.receiveAll(
                channels.get(0).receiveClause(received::add),
                channels.get(1).receiveClause(received::add),
                channels.get(2).receiveClause(received::add));
        for (Forked<Void> producer : producers) {
            producer.join();
        }
        List<Integer> expected = new ArrayList<>();
        IntStream.range(0, 100).forEach(expected::add);
        IntStream.range(1000, 1200).forEach(expected::add);
        IntStream.range(2000, 2300).forEach(expected::add);
        Collections.sort(received);
        assertEquals(expected, received);
    }

    @Test
    void receiveAllThrowsOnError() throws Exception {
        Channel<Integer> a = Channel.buffered(2);
        Channel<Integer> b = Channel.buffered(2);
        a.send(1);
        a.done();
        RuntimeException cause = new RuntimeException("b failed");
        b.error(cause);
        List<Integer> seen = new ArrayList<>();
        ChannelErrorException e = assertThrows(ChannelErrorException.class,
                () -> Select.receiveAll(a.receiveClause(seen::add), b.receiveClause(seen::add)));
        assertSame(cause, e.getCause());
        Select.receiveAll(); // nothing to receive from
    }

    @Test
    void closedResultsFromSelectCanBeSwitchedOver() throws Exception {
        Channel<Integer> a = Channel.buffered(1);
        a.send(3);
        a.done();
        int sum = 0;
        boolean more = true;
        while (more) {
            switch (Select.selectOrClosed(a.receiveClause())) {
                case ChannelResult.Value(var value) -> sum += value;
                case ChannelDone() -> more = false;
                case ChannelError(var cause) -> throw new AssertionError(cause);
            }
        }
        assertEquals(3, sum);
        assertThrows(ChannelDoneException.class, () -> Select.selectFair(a.receiveClause()));
    }
}
