package dev.fearless.benchmarks;

import dev.fearless.channel.Channel;
import dev.fearless.channel.Select;
import dev.fearless.channel.SelectClause;
import java.util.List;
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
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Suite 2, select: {@code channels} producers each send their share of {@value #ELEMENTS}
 * elements into their own rendezvous channel, and one consumer receives all {@value #ELEMENTS}
 * by selecting over every channel's receive clause (built for each select, as a caller writes
 * it); all on virtual threads. Nanoseconds per element. Fearless {@code Select.select} vs Jox
 * {@code Select.select}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-preview")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SelectBenchmark {

    static final int ELEMENTS = 6_400;

    /** Every channel count (the report iterates these). */
    static final List<String> CHANNELS = List.of("2", "8", "64");

    /** Channels selected over, each with its own producer. */
    @Param({"2", "8", "64"})
    public int channels;

    private static final Integer ELEMENT = 7;

    private Channel<Integer>[] fearless;
    private com.softwaremill.jox.Channel<Integer>[] jox;

    /** Creates the state; JMH sets the parameters. */
    public SelectBenchmark() {}

    /** Creates the channels. */
    @Setup
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void setUp() {
        fearless = new Channel[channels];
        jox = new com.softwaremill.jox.Channel[channels];
        for (int i = 0; i < channels; i++) {
            fearless[i] = Channel.rendezvous("bench-select-" + i);
            jox[i] = com.softwaremill.jox.Channel.newRendezvousChannel();
        }
    }

    /**
     * Fearless {@code Select.select} over every channel's receive clause.
     *
     * @return the sum of the received elements
     * @throws Exception if a worker fails
     */
    @Benchmark
    @OperationsPerInvocation(ELEMENTS)
    public long selectFearless() throws Exception {
        Workers.Loop[] loops = new Workers.Loop[channels + 1];
        for (int c = 0; c < channels; c++) {
            Channel<Integer> channel = fearless[c];
            loops[c] = () -> {
                for (int i = 0; i < ELEMENTS / channels; i++) {
                    channel.send(ELEMENT);
                }
                return 0;
            };
        }
        loops[channels] = () -> {
            long sum = 0;
            SelectClause<?>[] clauses = new SelectClause<?>[channels];
            for (int i = 0; i < ELEMENTS; i++) {
                for (int c = 0; c < channels; c++) {
                    clauses[c] = fearless[c].receiveClause();
                }
                sum += (Integer) Select.select(clauses);
            }
            return sum;
        };
        return Workers.runAll(loops);
    }

    /**
     * Jox {@code Select.select} over every channel's receive clause.
     *
     * @return the sum of the received elements
     * @throws Exception if a worker fails
     */
    @Benchmark
    @OperationsPerInvocation(ELEMENTS)
    public long selectJox() throws Exception {
        Workers.Loop[] loops = new Workers.Loop[channels + 1];
        for (int c = 0; c < channels; c++) {
            com.softwaremill.jox.Channel<Integer> channel = jox[c];
            loops[c] = () -> {
                for (int i = 0; i < ELEMENTS / channels; i++) {
                    channel.send(ELEMENT);
                }
                return 0;
            };
        }
        loops[channels] = () -> {
            long sum = 0;
            com.softwaremill.jox.SelectClause<?>[] clauses = new com.softwaremill.jox.SelectClause<?>[channels];
            for (int i = 0; i < ELEMENTS; i++) {
                for (int c = 0; c < channels; c++) {
                    clauses[c] = jox[c].receiveClause();
                }
                sum += (Integer) com.softwaremill.jox.Select.select(clauses);
            }
            return sum;
        };
        return Workers.runAll(loops);
    }
}
