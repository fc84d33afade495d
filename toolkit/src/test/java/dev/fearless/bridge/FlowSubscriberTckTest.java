package dev.fearless.bridge;

import dev.fearless.channel.Channel;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowSubscriberBlackboxVerification;

/**
 * The Reactive Streams TCK (blackbox subscriber rules) against {@link Flows#subscriber(Channel)}
 * feeding an unbounded channel, which never holds back the TCK's publisher thread.
 */
class FlowSubscriberTckTest extends FlowSubscriberBlackboxVerification<Integer> {

    public FlowSubscriberTckTest() {
        super(new TestEnvironment(Tck.TIMEOUT_MILLIS, Tck.NO_SIGNAL_MILLIS));
    }

    @Override
    public Flow.Subscriber<Integer> createFlowSubscriber() {
        return Flows.subscriber(Channel.unbounded("tck"));
    }

    @Override
    public Integer createElement(int element) {
        return element;
    }
}
