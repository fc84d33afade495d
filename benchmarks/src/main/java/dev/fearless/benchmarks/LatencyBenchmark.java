package dev.fearless.benchmarks;

import dev.fearless.channel.Channel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Suite 2, hand-off latency (SampleTime: every invocation timed, the report reads p50, p99 and
 * p99.9): JMH's thread sends one element on a ping channel to an echo virtual thread, which sends
 * it back on a pong channel; one invocation is that round trip. {@code kind=rendezvous}: Fearless,
 * Jox and {@code SynchronousQueue}; {@code kind=buffered}: capacity 16, Fearless, Jox and
 * {@code ArrayBlockingQueue}. The echo thread starts with the trial and stops at its end.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-preview")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LatencyBenchmark {

    private static final Integer PING = 7;
    private static final Integer STOP = -1;

    /** Creates the benchmark. */
    public LatencyBenchmark() {}

    /** A ping and a pong channel of one peer, and the echo thread between them. */
    @State(Scope.Benchmark)
    public abstract static class Echo {
        /** {@code rendezvous} or {@code buffered} (capacity 16). */
        @Param({"rendezvous", "buffered"})
        public String kind;

        ChannelBenchmark.Put sendPing;
        ChannelBenchmark.Take receivePing;
        ChannelBenchmark.Put sendPong;
        ChannelBenchmark.Take receivePong;
        private Thread echo;

        /** Creates the state. */
        protected Echo() {}

        abstract void create(boolean rendezvous);

        /** Creates the channels and starts the echo thread. */
        @Setup(Level.Trial)
        public void setUp() {
            create(kind.equals("rendezvous"));
            echo = Thread.ofVirtual().name("bench-echo").start(() -> {
                try {
                    for (Integer value = receivePing.take(); !value.equals(STOP); value = receivePing.take()) {
                        sendPong.put(value);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }

        /**
         * Stops the echo thread.
         *
         * @throws InterruptedException if interrupted while stopping it
         */
        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            sendPing.put(STOP);
            echo.join();
        }

        Integer roundTrip() throws InterruptedException {
            sendPing.put(PING);
            return receivePong.take();
        }
    }

    /** Fearless channels. */
    public static class FearlessEcho extends Echo {
        /** Creates the state. */
        public FearlessEcho() {}

        @Override
        void create(boolean rendezvous) {
            Channel<Integer> ping = rendezvous ? Channel.rendezvous("bench-ping") : Channel.buffered(16, "bench-ping");
            Channel<Integer> pong = rendezvous ? Channel.rendezvous("bench-pong") : Channel.buffered(16, "bench-pong");
            sendPing = ping::send;
            receivePing = ping::receive;
            sendPong = pong::send;
            receivePong = pong::receive;
        }
    }

    /** Jox channels. */
    public static class JoxEcho extends Echo {
        /** Creates the state. */
        public JoxEcho() {}

        @Override
        void create(boolean rendezvous) {
            com.softwaremill.jox.Channel<Integer> ping = rendezvous ? com.softwaremill.jox.Channel.newRendezvousChannel()
                    : com.softwaremill.jox.Channel.newBufferedChannel(16);
            com.softwaremill.jox.Channel<Integer> pong = rendezvous ? com.softwaremill.jox.Channel.newRendezvousChannel()
                    : com.softwaremill.jox.Channel.newBufferedChannel(16);
            sendPing = ping::send;
            receivePing = ping::receive;
            sendPong = pong::send;
            receivePong = pong::receive;
        }
    }

    /** {@code SynchronousQueue} (rendezvous) or {@code ArrayBlockingQueue(16)} (buffered). */
    public static class JdkEcho extends Echo {
        /** Creates the state. */
        public JdkEcho() {}

        @Override
        void create(boolean rendezvous) {
            BlockingQueue<Integer> ping = rendezvous ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(16);
            BlockingQueue<Integer> pong = rendezvous ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(16);
            sendPing = ping::put;
            receivePing = ping::take;
            sendPong = pong::put;
            receivePong = pong::take;
        }
    }

    /**
     * Round trip through Fearless channels.
     *
     * @param echo the channels
     * @return the element
     * @throws InterruptedException never, in practice
     */
    @Benchmark
    public Integer roundTripFearless(FearlessEcho echo) throws InterruptedException {
        return echo.roundTrip();
    }

    /**
     * Round trip through Jox channels.
     *
     * @param echo the channels
     * @return the element
     * @throws InterruptedException never, in practice
     */
    @Benchmark
    public Integer roundTripJox(JoxEcho echo) throws InterruptedException {
        return echo.roundTrip();
    }

    /**
     * Round trip through {@code SynchronousQueue}s or {@code ArrayBlockingQueue}s.
     *
     * @param echo the queues
     * @return the element
     * @throws InterruptedException never, in practice
     */
    @Benchmark
    public Integer roundTripJdk(JdkEcho echo) throws InterruptedException {
        return echo.roundTrip();
    }
}
