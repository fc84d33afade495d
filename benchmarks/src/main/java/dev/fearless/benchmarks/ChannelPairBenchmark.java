package dev.fearless.benchmarks;

import dev.fearless.channel.Channel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Exchanger;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Suite 2, the shapes with a fixed number of threads, all virtual:
 * <ul>
 *   <li>ping-pong: one thread sends a ping on one channel, the other receives it and sends it back
 *       on a second channel, {@value #ROUNDS} times; the score is nanoseconds per round trip (two
 *       hand-offs). Rendezvous: Fearless, Jox, {@code SynchronousQueue},
 *       {@code LinkedTransferQueue.transfer}; buffered(16): Fearless, Jox,
 *       {@code ArrayBlockingQueue(16)}.
 *   <li>{@code Exchanger} as a 1→1 rendezvous stream (a producer hands an element over, the
 *       consumer hands back nothing; with more threads producers would exchange with each other),
 *       compared with the 1→1 rows of {@link ChannelBenchmark}; nanoseconds per element.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-preview")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ChannelPairBenchmark {

    static final int ELEMENTS = ChannelBenchmark.ELEMENTS;
    /** Round trips per ping-pong invocation. */
    static final int ROUNDS = 5_000;
    private static final Integer ELEMENT = 7;
    private static final Integer NOTHING = 0;

    private final Exchanger<Integer> exchanger = new Exchanger<>();
    private final Channel<Integer> fearlessPing = Channel.rendezvous("bench-ping");
    private final Channel<Integer> fearlessPong = Channel.rendezvous("bench-pong");
    private final Channel<Integer> fearlessBufferedPing = Channel.buffered(16, "bench-buffered-ping");
    private final Channel<Integer> fearlessBufferedPong = Channel.buffered(16, "bench-buffered-pong");
    private final com.softwaremill.jox.Channel<Integer> joxPing = com.softwaremill.jox.Channel.newRendezvousChannel();
    private final com.softwaremill.jox.Channel<Integer> joxPong = com.softwaremill.jox.Channel.newRendezvousChannel();
    private final com.softwaremill.jox.Channel<Integer> joxBufferedPing = com.softwaremill.jox.Channel.newBufferedChannel(16);
    private final com.softwaremill.jox.Channel<Integer> joxBufferedPong = com.softwaremill.jox.Channel.newBufferedChannel(16);
    private final SynchronousQueue<Integer> synchronousPing = new SynchronousQueue<>();
    private final SynchronousQueue<Integer> synchronousPong = new SynchronousQueue<>();
    private final LinkedTransferQueue<Integer> transferPing = new LinkedTransferQueue<>();
    private final LinkedTransferQueue<Integer> transferPong = new LinkedTransferQueue<>();
    private final ArrayBlockingQueue<Integer> arrayPing = new ArrayBlockingQueue<>(16);
    private final ArrayBlockingQueue<Integer> arrayPong = new ArrayBlockingQueue<>(16);

    /** Creates the state. */
    public ChannelPairBenchmark() {}

    // ------------------------------------------------------------------ ping-pong

    /**
     * Fearless rendezvous channels.
     *
     * @return the sum of the returned pings
     * @throws Exception if a worker fails
     */
    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public long pingPongRendezvousFearless() throws Exception {
        return pingPong(fearlessPing::send, fearlessPing::receive, fearlessPong::send, fearlessPong::receive);
    }

    /**
     * Jox rendezvous channels.
     *
     * @return the sum of the returned pings
     * @throws Exception if a worker fails
     */
    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public long pingPongRendezvousJox() throws Exception {
        return pingPong(joxPing::send, joxPing::receive, joxPong::send, joxPong::receive);
    }

    /**
     * {@code SynchronousQueue}s.
     *
     * @return the sum of the returned pings
     * @throws Exception if a worker fails
     */
    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public long pingPongRendezvousSynchronousQueue() throws Exception {
        return pingPong(synchronousPing::put, synchronousPing::take, synchronousPong::put, synchronousPong::take);
    }

    /**
     * {@code LinkedTransferQueue}s, transfer/take.
     *
     * @return the sum of the returned pings
     * @throws Exception if a worker fails
     */
    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public long pingPongRendezvousLinkedTransferQueue() throws Exception {
        return pingPong(transferPing::transfer, transferPing::take, transferPong::transfer, transferPong::take);
    }

    /**
     * Fearless buffered(16) channels.
     *
     * @return the sum of the returned pings
     * @throws Exception if a worker fails
     */
    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public long pingPongBufferedFearless() throws Exception {
        return pingPong(fearlessBufferedPing::send, fearlessBufferedPing::receive,
                fearlessBufferedPong::send, fearlessBufferedPong::receive);
    }

    /**
     * Jox buffered(16) channels.
     *
     * @return the sum of the returned pings
     * @throws Exception if a worker fails
     */
    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public long pingPongBufferedJox() throws Exception {
        return pingPong(joxBufferedPing::send, joxBufferedPing::receive, joxBufferedPong::send, joxBufferedPong::receive);
    }

    /**
     * {@code ArrayBlockingQueue(16)}s.
     *
     * @return the sum of the returned pings
     * @throws Exception if a worker fails
     */
    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public long pingPongBufferedArrayBlockingQueue() throws Exception {
        return pingPong(arrayPing::put, arrayPing::take, arrayPong::put, arrayPong::take);
    }

    private static long pingPong(ChannelBenchmark.Put sendPing, ChannelBenchmark.Take receivePing,
            ChannelBenchmark.Put sendPong, ChannelBenchmark.Take receivePong) throws Exception {
        return Workers.runAll(() -> {
            long sum = 0;
            for (int i = 0; i < ROUNDS; i++) {
                sendPing.put(ELEMENT);
                sum += receivePong.take();
            }
            return sum;
        }, () -> {
            for (int i = 0; i < ROUNDS; i++) {
                sendPong.put(receivePing.take());
            }
            return 0;
        });
    }

    // ------------------------------------------------------------------ Exchanger

    /**
     * {@code Exchanger}, 1→1.
     *
     * @return the sum of the received elements
     * @throws Exception if a worker fails
     */
    @Benchmark
    @OperationsPerInvocation(ELEMENTS)
    public long rendezvousExchanger() throws Exception {
        return Workers.runAll(() -> {
            for (int i = 0; i < ELEMENTS; i++) {
                exchanger.exchange(ELEMENT);
            }
            return 0;
        }, () -> {
            long sum = 0;
            for (int i = 0; i < ELEMENTS; i++) {
                sum += exchanger.exchange(NOTHING);
            }
            return sum;
        });
    }
}
