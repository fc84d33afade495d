package dev.fearless.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Exactly-once accounting under load: producers and consumers use every flavour of send and
 * receive (blocking, closed-as-value, non-blocking, timed, select, receiveAll) and interrupt
 * each other (and themselves) at random. Every element whose send returned normally must be received
 * exactly once, or handed back by {@code error}; no element whose send failed may appear.
 *
 * <p>Scale: {@code -Dstress.scale=N} (default 1) multiplies the number of elements per run (each
 * run still has two minutes). The default build runs scale 1; a select that gives up while a counterpart
 * claims it was once caught only at higher scales, so run, for example,
 * {@code mvn -o -pl toolkit verify -Dtest=ChannelStressTest -Dstress.scale=5} after a change to
 * the waiting or claiming code ({@link ChannelBlockingLincheckTest} model-checks that race in the
 * default build).
 */
@Tag("stress")
@Timeout(120)
class ChannelStressTest {

    /** {@code -Dstress.scale=N}: how many times the default number of elements each run exchanges. */
    static final int SCALE = scale();
    private static final int TOTAL = 4000 * SCALE;
    private static final Duration SHORT = Duration.ofMillis(1);

    private static int scale() {
        int scale = Integer.getInteger("stress.scale", 1);
        if (scale < 1) {
            throw new IllegalArgumentException("stress.scale must be positive: " + scale);
        }
        return scale;
    }

    static Stream<Arguments> scenarios() {
        List<Named<Integer>> kinds = List.of(
                Named.of("rendezvous", 0),
                Named.of("buffered(1)", 1),
                Named.of("buffered(16)", 16),
                Named.of("unbounded", Integer.MAX_VALUE));
        int[][] shapes = {{1, 1}, {1, 16}, {16, 1}, {4, 4}, {16, 16}};
        List<Arguments> all = new ArrayList<>();
        for (Named<Integer> kind : kinds) {
            for (int[] shape : shapes) {
                for (Arguments threads : Forked.factories().toList()) {
                    all.add(Arguments.of(kind, shape[0], shape[1], threads.get()[0]));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1}->{2} on {3}, done")
    @MethodSource("scenarios")
    void everyAcceptedElementIsReceivedExactlyOnce(int capacity, int producers, int consumers,
            ThreadFactory threads) throws Exception {
        new Run(Channel.<Integer>builder().capacity(capacity).build(), producers, consumers, threads, false).execute();
    }

    /** Also forces every wait onto the park path: a lost unpark then hangs the run. */
    @ParameterizedTest(name = "{0} {1}->{2} on {3}, error, no spinning")
    @MethodSource("scenarios")
    void everyAcceptedElementIsReceivedOrDiscardedExactlyOnce(int capacity, int producers,
            int consumers, ThreadFactory threads) throws Exception {
        Channel<Integer> channel = Channel.<Integer>builder().capacity(capacity).spinning(false).build();
        new Run(channel, producers, consumers, threads, true).execute();
    }

    private static final class Run {
        final Channel<Integer> channel;
        final int producers;
        final int consumers;
        final ThreadFactory threads;
        final boolean failHalfway;
        /** Never sent to: a second clause that keeps selects honest. Done once the channel is. */
        final Channel<Integer> idle = Channel.rendezvous("idle");
        final AtomicIntegerArray sent = new AtomicIntegerArray(TOTAL);
        final AtomicIntegerArray received = new AtomicIntegerArray(TOTAL);
        final AtomicIntegerArray discarded = new AtomicIntegerArray(TOTAL);
        final AtomicLong progress = new AtomicLong();
        final List<Thread> workers = new ArrayList<>();
        final AtomicLong interrupts = new AtomicLong();
        final AtomicLong interruptedOperations = new AtomicLong();

        Run(Channel<Integer> channel, int producers, int consumers, ThreadFactory threads, boolean failHalfway) {
            this.channel = channel;
            this.producers = producers;
            this.consumers = consumers;
            this.threads = threads;
            this.failHalfway = failHalfway;
        }

        void execute() throws Exception {
            CountDownLatch go = new CountDownLatch(1); // start once every worker is known
            List<Forked<Void>> producerTasks = new ArrayList<>();
            List<Forked<Void>> consumerTasks = new ArrayList<>();
            int perProducer = TOTAL / producers;
            for (int p = 0; p < producers; p++) {
                int first = p * perProducer;
                producerTasks.add(Forked.start(threads, () -> {
                    awaitUninterruptibly(go);
                    return produce(first, first + perProducer);
                }));
            }
            for (int c = 0; c < consumers; c++) {
                consumerTasks.add(Forked.start(threads, () -> {
                    awaitUninterruptibly(go);
                    return consume();
                }));
            }
            producerTasks.forEach(t -> workers.add(t.thread));
            consumerTasks.forEach(t -> workers.add(t.thread));
            go.countDown();
            Forked<Void> failer = failHalfway ? Forked.start(Thread.ofPlatform().factory(), this::failHalfway) : null;

            for (Forked<Void> producer : producerTasks) {
                producer.join();
            }
            if (failer != null) {
                failer.join();
            }
            channel.done();
            idle.done();
            for (Forked<Void> consumer : consumerTasks) {
                consumer.join();
            }
            verify();
        }

        private Void produce(int from, int to) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int id = from; id < to; id++) {
                try {
                    boolean accepted = switch (random.nextInt(7)) {
                        case 0 -> {
                            channel.send(id);
                            yield true;
                        }
                        case 1 -> {
                            if (channel.sendOrClosed(id) instanceof ChannelClosed<?> closed) {
                                throw closed.toException();
                            }
                            yield true;
                        }
                        case 2 -> channel.trySend(id);
                        case 3 -> channel.trySend(id, SHORT);
                        case 4 -> switch (channel.trySendOrClosed(id, random.nextBoolean() ? Duration.ZERO : SHORT)) {
                            case SendResult.Sent() -> true;
                            case SendResult.Full() -> false;
                            case ChannelClosed<?> closed -> throw closed.toException();
                        };
                        case 5 -> Select.select(channel.sendClause(id, () -> true), idle.receiveClause(x -> false),
                                Select.timeout(SHORT, () -> false)); // gives up while a receiver may claim it
                        default -> {
                            Select.select(channel.sendClause(id), idle.receiveClause());
                            yield true;
                        }
                    };
                    if (accepted) {
                        assertEquals(0, sent.getAndIncrement(id), "sent twice: " + id);
                    }
                } catch (InterruptedException e) {
                    interruptedOperations.incrementAndGet(); // not sent; go on with the next element
                } catch (ChannelErrorException e) {
                    return null; // the channel failed: stop producing
                }
                progress.incrementAndGet();
                maybeInterruptSomeone(random);
            }
            return null;
        }

        private Void consume() {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (;;) {
                maybeInterruptSomeone(random);
                try {
                    switch (random.nextInt(8)) {
                        case 0 -> record(channel.receive());
                        case 1 -> {
                            switch (channel.receiveOrClosed()) {
                                case ChannelResult.Value(var id) -> record(id);
                                case ChannelClosed<Integer> closed -> throw closed.toException();
                            }
                        }
                        case 2 -> channel.tryReceive().ifPresentOrElse(this::record, Thread::onSpinWait);
                        case 3 -> channel.tryReceive(SHORT).ifPresent(this::record);
                        case 4 -> {
                            ChannelResult<Integer> result = Select.selectOrClosed(channel.receiveClause(),
                                    idle.receiveClause());
                            switch (result) {
                                case ChannelResult.Value(var id) -> record(id);
                                case ChannelClosed<Integer> closed -> throw closed.toException();
                            }
                        }
                        case 5 -> {
                            switch (channel.tryReceiveOrClosed(random.nextBoolean() ? Duration.ZERO : SHORT)) {
                                case ChannelResult.Value(var id) -> record(id);
                                case ReceiveResult.Empty<Integer>() -> Thread.onSpinWait();
                                case ChannelClosed<Integer> closed -> throw closed.toException();
                            }
                        }
                        case 6 -> {
                            Integer id = Select.selectFair(channel.receiveClause(), idle.receiveClause(),
                                    Select.timeout(SHORT, () -> null)); // gives up while a sender may claim it
                            if (id != null) {
                                record(id);
                            }
                        }
                        default -> {
                            Select.receiveAll(channel.receiveClause(id -> {
                                record(id);
                                maybeInterruptSomeone(ThreadLocalRandom.current());
                                return null;
                            }));
                            return null; // receiveAll returns only when the channel is done
                        }
                    }
                } catch (InterruptedException e) {
                    interruptedOperations.incrementAndGet(); // nothing was taken; go on
                } catch (ChannelDoneException | ChannelErrorException e) {
                    return null;
                }
            }
        }

        private void record(int id) {
            assertEquals(0, received.getAndIncrement(id), "received twice: " + id);
            progress.incrementAndGet();
        }

        private Void failHalfway() {
            while (progress.get() < TOTAL / 2 && !channel.isClosedForSend()) {
                Thread.onSpinWait();
            }
            for (int id : channel.error(new IllegalStateException("failed halfway"))) {
                assertEquals(0, discarded.getAndIncrement(id), "discarded twice: " + id);
            }
            return null;
        }

        /** Now and then, interrupts a random worker, possibly itself, wherever it is. */
        private void maybeInterruptSomeone(ThreadLocalRandom random) {
            if (random.nextInt(12) == 0) {
                workers.get(random.nextInt(workers.size())).interrupt();
                interrupts.incrementAndGet();
            }
        }

        private static void awaitUninterruptibly(CountDownLatch latch) {
            boolean interrupted = false;
            for (;;) {
                try {
                    latch.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt(); // the first operation then sees it
            }
        }

        private void verify() {
            int accepted = 0;
            for (int id = 0; id < TOTAL; id++) {
                int s = sent.get(id);
                int r = received.get(id);
                int d = discarded.get(id);
                assertEquals(s, r + d, "element " + id + ": sent " + s + ", received " + r + ", discarded " + d);
                accepted += s;
            }
            assertTrue(accepted > 0, "the run exchanged nothing");
            assertTrue(interrupts.get() > 0, "the run was never interrupted");
            if (Boolean.getBoolean("fearless.stress.verbose")) {
                System.out.printf("%s %d->%d error=%b: accepted %d, interrupts %d, interrupted operations %d%n",
                        channel, producers, consumers, failHalfway, accepted, interrupts.get(),
                        interruptedOperations.get());
            }
            assertEquals(0, channel.waitingSenders() + channel.waitingReceivers(), "no waiter left behind");
            assertEquals(0, channel.size(), "everything was received or discarded");
        }
    }
}
