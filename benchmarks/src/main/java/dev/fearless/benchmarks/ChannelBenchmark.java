package dev.fearless.benchmarks;

import dev.fearless.channel.Channel;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Suite 2, channels: N producers share {@value #ELEMENTS} sends into one channel (or queue) and M
 * consumers share as many receives ({@code shape} N x M: 1x1, 4x4, 16x16, 64x64, 1x16, 16x1), all on
 * virtual or on platform threads ({@code threads}) started and joined by each invocation. The
 * score is nanoseconds per element, that is per send+receive pair (the metric Jox publishes);
 * thread start-up is amortized over {@value #ELEMENTS} elements.
 *
 * <p>Rendezvous: Fearless {@code Channel.rendezvous()}, Jox {@code newRendezvousChannel()},
 * {@code SynchronousQueue} and {@code LinkedTransferQueue.transfer}. Buffered(16): Fearless
 * {@code Channel.buffered(16)}, Jox {@code newBufferedChannel(16)} and {@code ArrayBlockingQueue(16)}.
 * Unbounded: Fearless {@code Channel.unbounded()}, Jox {@code newUnlimitedChannel()},
 * {@code LinkedBlockingQueue} and {@code LinkedTransferQueue.put}. A fresh channel per invocation
 * is not needed: every invocation leaves it empty.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-preview")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ChannelBenchmark {

    /** Elements per invocation. */
    static final int ELEMENTS = 10_000;

    /** Every shape, producers x consumers (the report iterates these). */
    static final List<String> SHAPES = List.of("1x1", "4x4", "16x16", "64x64", "1x16", "16x1");

    /** Every thread kind (the report iterates these). */
    static final List<String> THREADS = List.of("virtual", "platform");

    /** Producers x consumers. */
    @Param({"1x1", "4x4", "16x16", "64x64", "1x16", "16x1"})
    public String shape;

    /** The kind of thread every producer and consumer runs on. */
    @Param({"virtual", "platform"})
    public String threads;

    private static final Integer ELEMENT = 7;

    private final Channel<Integer> fearlessRendezvous = Channel.rendezvous("bench-rendezvous");
    private final Channel<Integer> fearlessBuffered = Channel.buffered(16, "bench-buffered");
    private final com.softwaremill.jox.Channel<Integer> joxRendezvous =
            com.softwaremill.jox.Channel.newRendezvousChannel();
    private final com.softwaremill.jox.Channel<Integer> joxBuffered = com.softwaremill.jox.Channel.newBufferedChannel(16);
    private final SynchronousQueue<Integer> synchronousQueue = new SynchronousQueue<>();
    private final LinkedTransferQueue<Integer> transferQueue = new LinkedTransferQueue<>();
    private final ArrayBlockingQueue<Integer> arrayBlockingQueue = new ArrayBlockingQueue<>(16);
    private final Channel<Integer> fearlessUnbounded = Channel.unbounded("bench-unbounded");
    private final com.softwaremill.jox.Channel<Integer> joxUnbounded = com.softwaremill.jox.Channel.newUnlimitedChannel();
    private final LinkedBlockingQueue<Integer> linkedBlockingQueue = new LinkedBlockingQueue<>();
    private final LinkedTransferQueue<Integer> unboundedTransferQueue = new LinkedTransferQueue<>();

    /** Creates the state; JMH sets the parameters. */
    public ChannelBenchmark() {}

    // ------------------------------------------------------------------ rendezvous

    /**
     * Fearless rendezvous channel.
     *
     * @return the sum of the received elements
     * @throws Exception if a worker fails
     */
    @Benchmark
    @OperationsPerInvocation(ELEMENTS)
    public long rendezvousFearless() throws Exception {
        return transfer(fearlessRendezvous::send, fearlessRendezvous::receive);
    }

    /**
     * Jox rendezvous channel.
     *
     * @return the sum of the received elements
     * @throws Exception if a worker fails
     */
    @Benchmark
    @OperationsPerInvocation(ELEMENTS)
    public long rendezvousJox() throws Exception {
        return transfer(joxRendezvous::send, joxRendezvous::receive);
    }

    /**
     * {@code SynchronousQueue} put/take.
     *
     * @return the sum of the received elements
     * @throws Exception if a worker fails
     */
    @Benchmark
    @OperationsPerInvocation(ELEMENTS)
    public long rendezvousSynchronousQueue() throws Exception {
        return transfer(synchronousQueue::put, synchronousQueue::take);
    }

    /**
     * {@code LinkedTransferQueue} transfer/take (a rendezvous: transfer waits for a taker).
     *
     * @return the sum of the received elements
     * @throws Exception if a worker fails
     */
    @Benchmark
    @OperationsPerInvocation(ELEMENTS)
    public long rendezvousLinkedTransferQueue() throws Exception {
        return transfer(transferQueue::transfer, transferQueue::take);
    }

    // ------------------------------------------------------------------ buffered(16)

    /**
     * Fearless buffered(16) channel.
     *
     * @return the sum of the received elements
     * @throws Exception if a worker fails
     */
    @Benchmark
    @OperationsPerInvocation(ELEMENTS)
    public long bufferedFearless() throws Exception {
        return transfer(fearlessBuffered::send, fearlessBuffered::receive);
    }

    /**
     * Jox buffered(16) channel.
     *
     * @return the sum of the received elements
     * @throws Exception if a worker fails
     */
    @Benchmark
    @OperationsPerInvocation(ELEMENTS)
    public long bufferedJox() throws Exception {
        return transfer(joxBuffered::send, joxBuffered::receive);
    }

    /**
     * {@code ArrayBlockingQueue(16)} put/take.
     *
     * @return the sum of the received elements
     * @throws Exception if a worker fails
     */
    @Benchmark
    @OperationsPerInvocation(ELEMENTS)
    public long bufferedArrayBlockingQueue() throws Exception {
        return transfer(arrayBlockingQueue::put, arrayBlockingQueue::take);
    }

    // ------------------------------------------------------------------ unbounded

    /**
     * Fearless unbounded channel.
     *
     * @return the sum of the received elements
     * @throws Exception if a worker fails
     */
    @Benchmark
    @OperationsPerInvocation(ELEMENTS)
    public long unboundedFearless() throws Exception {
        return transfer(fearlessUnbounded::send, fearlessUnbounded::receive);
    }

    /**
     * Jox unlimited channel.
     *
     * @return the sum of the received elements
     * @throws Exception if a worker fails
     */
    @Benchmark
    @OperationsPerInvocation(ELEMENTS)
    public long unboundedJox() throws Exception {
        return transfer(joxUnbounded::send, joxUnbounded::receive);
    }

    /**
     * {@code LinkedBlockingQueue} put/take.
     *
     * @return the sum of the received elements
     * @throws Exception if a worker fails
     */
    @Benchmark
    @OperationsPerInvocation(ELEMENTS)
    public long unboundedLinkedBlockingQueue() throws Exception {
        return transfer(linkedBlockingQueue::put, linkedBlockingQueue::take);
    }

    /**
     * {@code LinkedTransferQueue} put/take (put never waits).
     *
     * @return the sum of the received elements
     * @throws Exception if a worker fails
     */
    @Benchmark
    @OperationsPerInvocation(ELEMENTS)
    public long unboundedLinkedTransferQueue() throws Exception {
        return transfer(unboundedTransferQueue::put, unboundedTransferQueue::take);
    }

    // ------------------------------------------------------------------ the shape

    /** Puts one element; blocks as the peer under test blocks. */
    @FunctionalInterface
    interface Put {
        void put(Integer element) throws InterruptedException;
    }

    /** Takes one element; blocks as the peer under test blocks. */
    @FunctionalInterface
    interface Take {
        Integer take() throws InterruptedException;
    }

    /*
     * Every peer goes through the same two method references; each benchmark runs in its own fork,
     * so each call site sees one implementation and the JIT inlines it.
     */
    private long transfer(Put put, Take take) throws Exception {
        int x = shape.indexOf('x');
        int producers = Integer.parseInt(shape.substring(0, x));
        int consumers = Integer.parseInt(shape.substring(x + 1));
        Workers.Loop[] loops = new Workers.Loop[producers + consumers];
        for (int p = 0; p < producers; p++) {
            int share = share(p, producers);
            loops[p] = () -> {
                for (int i = 0; i < share; i++) {
                    put.put(ELEMENT);
                }
                return 0;
            };
        }
        for (int c = 0; c < consumers; c++) {
            int share = share(c, consumers);
            loops[producers + c] = () -> {
                long sum = 0;
                for (int i = 0; i < share; i++) {
                    sum += take.take();
                }
                return sum;
            };
        }
        return Workers.runAll(threads, loops);
    }

    /** Worker {@code index}'s share of {@value #ELEMENTS} split over {@code workers}; the shares add up. */
    private static int share(int index, int workers) {
        return ELEMENTS / workers + (index < ELEMENTS % workers ? 1 : 0);
    }
}
