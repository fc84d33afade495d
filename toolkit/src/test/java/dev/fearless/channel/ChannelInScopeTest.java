package dev.fearless.channel;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.scope.Scope;
import dev.fearless.scope.ScopeCancelledException;
import dev.fearless.scope.ScopeFailedException;
import dev.fearless.scope.ScopeTimeoutException;
import dev.fearless.scope.Task;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Channels used the way the README shows them: producers and consumers forked in one scope. They
 * end cleanly when the channel is done, and the scope's failure, cancellation or deadline
 * unblocks every sender and receiver, losing nothing a send accepted.
 */
@Timeout(60)
class ChannelInScopeTest {

    private static final int ELEMENTS = 5_000;
    private static final int WORKERS = 4;

    /** Every channel kind on both thread kinds. */
    static Stream<Arguments> kindsAndFactories() {
        List<Named<IntFunction<Channel<Integer>>>> kinds = List.of(
                Named.of("rendezvous", i -> Channel.rendezvous("stage-" + i)),
                Named.of("buffered(8)", i -> Channel.buffered(8, "stage-" + i)),
                Named.of("unbounded", i -> Channel.unbounded("stage-" + i)));
        return kinds.stream().flatMap(kind -> Forked.factories()
                .map(factory -> Arguments.of(kind, factory.get()[0])));
    }

    @ParameterizedTest(name = "{0} on {1} threads")
    @MethodSource("kindsAndFactories")
    void pipelineEndsCleanlyWhenTheSourceIsDone(IntFunction<Channel<Integer>> kind, ThreadFactory factory)
            throws InterruptedException {
        Channel<Integer> numbers = kind.apply(1);
        Channel<Integer> doubled = kind.apply(2);
        Queue<Thread> threads = new ConcurrentLinkedQueue<>();
        List<Task<?>> tasks = new ArrayList<>();
        long total;
        try (var scope = Scope.builder().name("pipeline").threadFactory(factory).open()) {
            tasks.add(scope.fork(() -> {
                threads.add(Thread.currentThread());
                for (int i = 1; i <= ELEMENTS; i++) {
                    numbers.send(i);
                }
                numbers.done();
                return null;
            }));
            tasks.add(scope.fork(() -> {
                threads.add(Thread.currentThread());
                try (var workers = Scope.builder().name("workers").threadFactory(factory).open()) {
                    for (int w = 0; w < WORKERS; w++) {
                        workers.fork(() -> {
                            threads.add(Thread.currentThread());
                            for (int n : numbers) {
                                doubled.send(2 * n);
                            }
                            return null;
                        });
                    }
                    workers.join();
                }
                doubled.done();
                return null;
            }));
            Task<Long> sink = scope.fork(() -> {
                threads.add(Thread.currentThread());
                long sum = 0;
                for (int n : doubled) {
                    sum += n;
                }
                return sum;
            });
            tasks.add(sink);
            scope.join();
            total = sink.get();
        }

        assertEquals((long) ELEMENTS * (ELEMENTS + 1), total, "every element passed through exactly once");
        tasks.forEach(task -> assertEquals(Task.State.SUCCEEDED, task.state(), task.toString()));
        assertTrue(numbers.isClosedForReceive() && doubled.isClosedForReceive());
        assertEquals(3 + WORKERS, threads.size(), "producer, coordinator, workers and sink");
        threads.forEach(thread -> assertFalse(thread.isAlive(), thread + " outlived its scope"));
    }

    @ParameterizedTest(name = "{0} on {1} threads")
    @MethodSource("kindsAndFactories")
    void aFailingConsumerCancelsTheBlockedProducerAndItsSiblingsAndLosesNothing(
            IntFunction<Channel<Integer>> kind, ThreadFactory factory) {
        Channel<Integer> channel = kind.apply(1);
        AtomicLong accepted = new AtomicLong();
        AtomicLong received = new AtomicLong();
        Queue<Thread> threads = new ConcurrentLinkedQueue<>();
        IllegalStateException boom = new IllegalStateException("boom");
        Task<?> producer;
        Task<?> survivor;

        var scope = Scope.builder().name("failing-pipeline").threadFactory(factory).open();
        try (scope) {
            producer = scope.fork(() -> {
                threads.add(Thread.currentThread());
                for (int i = 0; ; i++) {        // sends until the scope's failure interrupts it
                    channel.send(i);
                    accepted.incrementAndGet();
                }
            });
            scope.fork(() -> {
                threads.add(Thread.currentThread());
                for (int i = 0; i < 100; i++) {
                    channel.receive();
                    received.incrementAndGet();
                }
                throw boom;
            });
            survivor = scope.fork(() -> {
                threads.add(Thread.currentThread());
                while (true) {                  // blocks in receive until cancelled
                    channel.receive();
                    received.incrementAndGet();
                }
            });
            ScopeFailedException failed = assertThrows(ScopeFailedException.class, scope::join);
            assertSame(boom, failed.getCause());
        }

        assertEquals(Task.State.CANCELLED, producer.state());
        assertEquals(Task.State.CANCELLED, survivor.state());
        threads.forEach(thread -> assertFalse(thread.isAlive(), thread + " outlived its scope"));
        assertEquals(accepted.get(), received.get() + channel.size(),
                "every accepted element was received or is still buffered; no interrupted send left one behind");
    }

    @ParameterizedTest(name = "{0} threads")
    @MethodSource("dev.fearless.channel.Forked#factories")
    void cancellingTheScopeUnblocksSendersAndReceivers(ThreadFactory factory) {
        Channel<String> full = Channel.buffered(1, "full");
        Channel<String> empty = Channel.rendezvous("empty");
        Queue<Thread> blocked = new ConcurrentLinkedQueue<>();
        Task<?> sender;
        Task<?> receiver;
        try (var scope = Scope.builder().name("cancelled").threadFactory(factory).open()) {
            sender = scope.fork(() -> {
                full.send("fits");
                blocked.add(Thread.currentThread());
                full.send("blocks");
                return null;
            });
            receiver = scope.fork(() -> {
                blocked.add(Thread.currentThread());
                return empty.receive();
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> blocked.size() == 2
                    && blocked.stream().allMatch(t -> t.getState() == Thread.State.WAITING));

            scope.cancel();
            assertThrows(ScopeCancelledException.class, scope::join);
        }

        assertEquals(Task.State.CANCELLED, sender.state());
        assertEquals(Task.State.CANCELLED, receiver.state());
        assertEquals(1, full.size(), "the interrupted send left no phantom element");
        blocked.forEach(thread -> assertFalse(thread.isAlive()));
    }

    @ParameterizedTest(name = "{0} threads")
    @MethodSource("dev.fearless.channel.Forked#factories")
    void theDeadlineCancelsAConsumerWaitingForElementsThatNeverCome(ThreadFactory factory) {
        Channel<String> silent = Channel.unbounded("silent");
        Task<?> consumer;
        try (var scope = Scope.builder().name("deadline").threadFactory(factory)
                .timeout(Duration.ofMillis(50)).open()) {
            consumer = scope.fork(() -> silent.stream().count());
            assertThrows(ScopeTimeoutException.class, scope::join);
        }
        assertEquals(Task.State.CANCELLED, consumer.state());
        assertFalse(silent.isClosedForReceive(), "cancelling a consumer does not close the channel");
    }

    @ParameterizedTest(name = "{0} threads")
    @MethodSource("dev.fearless.channel.Forked#factories")
    void aProducerErrorFailsTheScopeThroughItsConsumer(ThreadFactory factory) {
        Channel<String> lines = Channel.buffered(4, "lines");
        IOException diskFull = new IOException("disk full");
        List<String> seen = new ArrayList<>();
        try (var scope = Scope.builder().name("error").threadFactory(factory).open()) {
            scope.fork(() -> {
                lines.send("first");
                lines.error(diskFull);
                return null;
            });
            scope.fork(() -> {
                for (String line : lines) {
                    seen.add(line);
                }
                return null;
            });
            ScopeFailedException failed = assertThrows(ScopeFailedException.class, scope::join);
            ChannelErrorException error = assertInstanceOf(ChannelErrorException.class, failed.getCause());
            assertSame(diskFull, error.getCause());
        }
        assertTrue(seen.size() <= 1, "at most the element sent before the error: " + seen);
    }

    /** The README's pipeline, verbatim. */
    static long countWords(List<String> documents) throws InterruptedException {
        Channel<String> lines = Channel.buffered(64, "lines");
        Channel<Integer> counts = Channel.buffered(64, "counts");
        try (var pipeline = Scope.builder().name("word-count").timeout(Duration.ofSeconds(30)).open()) {
            pipeline.fork(() -> {                                       // producer
                for (String document : documents) {
                    for (String line : document.split("\n")) {
                        lines.send(line);                               // blocks while 64 lines wait
                    }
                }
                lines.done();                                           // workers drain, then stop
                return null;
            });
            pipeline.fork(() -> {                                       // four workers, then close the output
                try (var workers = Scope.open()) {
                    for (int i = 0; i < 4; i++) {
                        workers.fork(() -> {
                            for (String line : lines) {
                                counts.send(line.isBlank() ? 0 : line.trim().split("\\s+").length);
                            }
                            return null;
                        });
                    }
                    workers.join();                                     // a failing worker fails the pipeline
                }
                counts.done();
                return null;
            });
            Task<Long> sink = pipeline.fork(() -> {                     // sink
                long words = 0;
                for (int count : counts) {
                    words += count;
                }
                return words;
            });
            pipeline.join();            // ScopeFailedException on any failure, ScopeTimeoutException at the deadline
            return sink.get();
        }                               // every stage's thread has ended here, whatever happened
    }

    @Test
    void theReadmePipelineCountsWords() throws InterruptedException {
        List<String> documents = new ArrayList<>();
        long expected = 0;
        for (int d = 0; d < 50; d++) {
            StringBuilder document = new StringBuilder();
            for (int line = 0; line < 40; line++) {
                int words = (d + line) % 7;
                document.append(" word".repeat(words)).append('\n');
                expected += words;
            }
            documents.add(document.toString());
        }
        assertEquals(expected, countWords(documents));
    }
}
