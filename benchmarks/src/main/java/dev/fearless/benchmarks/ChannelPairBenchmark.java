package dev.fearless.benchmarks;

import dev.fearless.channel.Channel;
import dev.fearless.channel.Select;
import java.util.concurrent.Exchanger;
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
 * Suite 2, the shapes that exist only between one producer and one consumer, on virtual threads:
 * {@code Exchanger} as a 1→1 rendezvous (a producer hands an element over, the consumer hands back
 * nothing; with more threads producers would exchange with each other), and the 2-clause select:
 * two producers each send {@value #ELEMENTS} / 2 elements into their own rendezvous channel and one
 * consumer receives {@value #ELEMENTS} elements by selecting over both. Scores are nanoseconds per
 * element.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-preview")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ChannelPairBenchmark {

    static final int ELEMENTS = ChannelBenchmark.ELEMENTS;
    private static final Integer ELEMENT = 7;
    private static final Integer NOTHING = 0;

    private final Exchanger<Integer> exchanger = new Exchanger<>();
    private final Channel<Integer> fearlessA = Channel.rendezvous("bench-a");
    private final Channel<Integer> fearlessB = Channel.rendezvous("bench-b");
    private final com.softwaremill.jox.Channel<Integer> joxA = com.softwaremill.jox.Channel.newRendezvousChannel();
    private final com.softwaremill.jox.Channel<Integer> joxB = com.softwaremill.jox.Channel.newRendezvousChannel();

    /** Creates the state. */
    public ChannelPairBenchmark() {}

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

    /**
     * Fearless {@code Select.select} over two rendezvous channels' receive clauses.
     *
     * @return the sum of the received elements
     * @throws Exception if a worker fails
     */
    @Benchmark
    @OperationsPerInvocation(ELEMENTS)
    public long selectFearless() throws Exception {
        return select(fearlessA::send, fearlessB::send,
                () -> Select.select(fearlessA.receiveClause(), fearlessB.receiveClause()));
    }

    /**
     * Jox {@code Select.select} over two rendezvous channels' receive clauses.
     *
     * @return the sum of the received elements
     * @throws Exception if a worker fails
     */
    @Benchmark
    @OperationsPerInvocation(ELEMENTS)
    public long selectJox() throws Exception {
        return select(joxA::send, joxB::send,
                () -> com.softwaremill.jox.Select.select(joxA.receiveClause(), joxB.receiveClause()));
    }

    private static long select(ChannelBenchmark.Put sendA, ChannelBenchmark.Put sendB, ChannelBenchmark.Take select)
            throws Exception {
        return Workers.runAll(() -> {
            for (int i = 0; i < ELEMENTS / 2; i++) {
                sendA.put(ELEMENT);
            }
            return 0;
        }, () -> {
            for (int i = 0; i < ELEMENTS / 2; i++) {
                sendB.put(ELEMENT);
            }
            return 0;
        }, () -> {
            long sum = 0;
            for (int i = 0; i < ELEMENTS; i++) {
                sum += select.take();
            }
            return sum;
        });
    }
}
