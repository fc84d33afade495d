package dev.fearless.docs;

import java.util.concurrent.CountDownLatch;

/** The names the Javadoc example of {@code dev.fearless.tracking} takes for granted. */
@SuppressWarnings("unused")
public abstract class TrackingExamples {

    protected final Thread owner = Thread.currentThread();
    protected final CountDownLatch latch = new CountDownLatch(0);
}
