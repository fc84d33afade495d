package dev.fearless.bridge;

import dev.fearless.channel.Channel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.AfterClass;

/**
 * The Reactive Streams TCK (TestNG, run on the JUnit Platform by the testng-engine) against
 * {@link Flows#publisher(Channel)}. Finite publishers are pre-filled unbounded channels marked
 * done; long ones are fed by a virtual thread that the test interrupts after each method.
 */
class FlowPublisherTckTest extends FlowPublisherVerification<Integer> {

    /** Elements up to this count are buffered before subscription; more are produced by a thread. */
    private static final long PREFILLED = 1024;

    private final List<Thread> producers = new CopyOnWriteArrayList<>();

    public FlowPublisherTckTest() {
        super(new TestEnvironment(Tck.TIMEOUT_MILLIS, Tck.NO_SIGNAL_MILLIS), Tck.GC_TIMEOUT_MILLIS);
    }

    @Override
    public Flow.Publisher<Integer> createFlowPublisher(long elements) {
        if (elements <= PREFILLED) {
            Channel<Integer> channel = Channel.unbounded("tck");
            for (int i = 0; i < elements; i++) {
                channel.trySend(i);
            }
            channel.done();
            return Flows.publisher(channel);
        }
        Channel<Integer> channel = Channel.buffered(16, "tck");
        producers.add(Thread.ofVirtual().name("tck-producer").start(() -> {
            try {
                for (long i = 0; i < elements; i++) {
                    channel.send((int) i);
                }
                channel.done();
            } catch (InterruptedException e) {
                channel.done();
            }
        }));
        return Flows.publisher(channel);
    }

    @Override
    public Flow.Publisher<Integer> createFailedFlowPublisher() {
        Channel<Integer> channel = Channel.rendezvous("tck-failed");
        channel.error(new IllegalStateException("this publisher fails (TCK)"));
        return Flows.publisher(channel);
    }

    @AfterMethod
    public void stopProducers() throws InterruptedException {
        for (Thread producer : producers) {
            producer.interrupt();
            producer.join();
        }
        producers.clear();
    }

    @AfterClass
    public void noProducerLeft() {
        if (!producers.isEmpty()) {
            throw new AssertionError("producers still registered: " + producers);
        }
    }
}
