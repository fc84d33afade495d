package dev.fearless.channel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.function.Supplier;

/**
 * A quick, manual timing harness (not a test, not JMH): channels next to the JDK queue of the same
 * shape, in ping-pong, 1->1, 4->4 and a 2-clause select, to catch a design that is far off. The
 * side-by-side JMH suite belongs to the benchmarks module. Runs are interleaved and the best of
 * several is reported, since other processes share the machine.
 *
 * <pre>
 * mvn -q -pl toolkit test-compile
 * java -cp toolkit/target/classes:toolkit/target/test-classes:$HOME/.m2/repository/org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar \
 *     dev.fearless.channel.ChannelTimingHarness [platform|virtual] [elements] [runs] [filter]
 * </pre>
 */
final class ChannelTimingHarness {

    private interface Queue {
        void put(Integer element) throws InterruptedException;

        Integer take() throws InterruptedException;
    }

    private interface Body {
        void run() throws Exception;
    }

    private record Case(String name, Measurement measurement) {}

    @FunctionalInterface
    private interface Measurement {
        double nanosPerElement() throws Exception;
    }

    private final boolean virtual;
    private final int elements;

    private ChannelTimingHarness(boolean virtual, int elements) {
        this.virtual = virtual;
        this.elements = elements;
    }

    public static void main(String[] args) throws Exception {
        boolean virtual = args.length > 0 && args[0].equals("virtual");
        int elements = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 7;
        String filter = args.length > 3 ? args[3] : "";
        new ChannelTimingHarness(virtual, elements).run(runs, filter);
    }

    private void run(int runs, String filter) throws Exception {
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("ping-pong rendezvous", () -> pingPong(() -> channel(Channel.rendezvous()))));
        cases.add(new Case("ping-pong SynchronousQueue", () -> pingPong(() -> queue(new SynchronousQueue<>()))));
        cases.add(new Case("ping-pong buffered(16)", () -> pingPong(() -> channel(Channel.buffered(16)))));
        cases.add(new Case("ping-pong ArrayBlockingQueue(16)", () -> pingPong(() -> queue(new ArrayBlockingQueue<>(16)))));
        cases.add(new Case("1->1 rendezvous", () -> flow(() -> channel(Channel.rendezvous()), 1, 1)));
        cases.add(new Case("1->1 SynchronousQueue", () -> flow(() -> queue(new SynchronousQueue<>()), 1, 1)));
        cases.add(new Case("1->1 buffered(16)", () -> flow(() -> channel(Channel.buffered(16)), 1, 1)));
        cases.add(new Case("1->1 ArrayBlockingQueue(16)", () -> flow(() -> queue(new ArrayBlockingQueue<>(16)), 1, 1)));
        cases.add(new Case("1->1 unbounded", () -> flow(() -> channel(Channel.unbounded()), 1, 1)));
        cases.add(new Case("1->1 LinkedTransferQueue", () -> flow(() -> queue(new LinkedTransferQueue<>()), 1, 1)));
        cases.add(new Case("1->1 LinkedBlockingQueue", () -> flow(() -> queue(new LinkedBlockingQueue<>()), 1, 1)));
        cases.add(new Case("4->4 rendezvous", () -> flow(() -> channel(Channel.rendezvous()), 4, 4)));
        cases.add(new Case("4->4 SynchronousQueue", () -> flow(() -> queue(new SynchronousQueue<>()), 4, 4)));
        cases.add(new Case("4->4 buffered(16)", () -> flow(() -> channel(Channel.buffered(16)), 4, 4)));
        cases.add(new Case("4->4 ArrayBlockingQueue(16)", () -> flow(() -> queue(new ArrayBlockingQueue<>(16)), 4, 4)));
        cases.add(new Case("select over 2 rendezvous", this::select2));
        cases.removeIf(c -> !c.name().contains(filter));

        double[] best = new double[cases.size()];
        Arrays.fill(best, Double.MAX_VALUE);
        for (int run = 0; run < runs; run++) {
            for (int i = 0; i < cases.size(); i++) {
                double nanos = cases.get(i).measurement().nanosPerElement();
                if (run > 0) { // the first run warms up
                    best[i] = Math.min(best[i], nanos);
                }
            }
        }
        System.out.printf("%s threads, %d elements, best of %d interleaved runs, ns per element%n",
                virtual ? "virtual" : "platform", elements, runs - 1);
        for (int i = 0; i < cases.size(); i++) {
            System.out.printf("%-36s %8.0f%n", cases.get(i).name(), best[i]);
        }
    }

    private static Queue channel(Channel<Integer> channel) {
        return new Queue() {
            @Override
            public void put(Integer element) throws InterruptedException {
                channel.send(element);
            }

            @Override
            public Integer take() throws InterruptedException {
                return channel.receive();
            }
        };
    }

    private static Queue queue(BlockingQueue<Integer> queue) {
        return new Queue() {
            @Override
            public void put(Integer element) throws InterruptedException {
                queue.put(element);
            }

            @Override
            public Integer take() throws InterruptedException {
                return queue.take();
            }
        };
    }

    private Thread start(Body body) {
        Runnable task = () -> {
            try {
                body.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        return virtual ? Thread.ofVirtual().start(task) : Thread.ofPlatform().start(task);
    }

    /** Two threads bounce one element through two queues; reports the round trip. */
    private double pingPong(Supplier<Queue> kind) throws Exception {
        Queue ping = kind.get();
        Queue pong = kind.get();
        int n = elements;
        Thread echo = start(() -> {
            for (int i = 0; i < n; i++) {
                pong.put(ping.take());
            }
        });
        long start = System.nanoTime();
        Integer ball = 1;
        for (int i = 0; i < n; i++) {
            ping.put(ball);
            ball = pong.take();
        }
        long elapsed = System.nanoTime() - start;
        echo.join();
        return (double) elapsed / n;
    }

    /** Producers send, consumers receive, all at once; reports time per element. */
    private double flow(Supplier<Queue> kind, int producers, int consumers) throws Exception {
        Queue queue = kind.get();
        int perProducer = elements / producers;
        int perConsumer = perProducer * producers / consumers;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            threads.add(start(() -> {
                go.await();
                Integer element = 7;
                for (int i = 0; i < perProducer; i++) {
                    queue.put(element);
                }
            }));
        }
        for (int c = 0; c < consumers; c++) {
            threads.add(start(() -> {
                go.await();
                for (int i = 0; i < perConsumer; i++) {
                    queue.take();
                }
            }));
        }
        long start = System.nanoTime();
        go.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        return (double) (System.nanoTime() - start) / (perProducer * producers);
    }

    /** One thread selects over two rendezvous channels fed by one producer each. */
    private double select2() throws Exception {
        Channel<Integer> a = Channel.rendezvous();
        Channel<Integer> b = Channel.rendezvous();
        int n = elements / 2;
        Thread feedA = start(() -> {
            for (int i = 0; i < n; i++) {
                a.send(1);
            }
        });
        Thread feedB = start(() -> {
            for (int i = 0; i < n; i++) {
                b.send(2);
            }
        });
        long start = System.nanoTime();
        for (int i = 0; i < 2 * n; i++) {
            Select.select(a.receiveClause(), b.receiveClause());
        }
        long elapsed = System.nanoTime() - start;
        feedA.join();
        feedB.join();
        return (double) elapsed / (2 * n);
    }
}
