package dev.fearless.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;

/** A thread factory that remembers every thread it made, so a test can check that none outlived its owner. */
public final class TrackingFactory implements ThreadFactory {
    private final ThreadFactory delegate;
    private final ConcurrentLinkedQueue<Thread> created = new ConcurrentLinkedQueue<>();

    /** A factory that makes its threads with {@code delegate}. */
    public TrackingFactory(ThreadFactory delegate) {
        this.delegate = delegate;
    }

    @Override
    public Thread newThread(Runnable task) {
        Thread thread = delegate.newThread(task);
        if (thread != null) {
            created.add(thread);
        }
        return thread;
    }

    /** How many threads this factory made. */
    public int created() {
        return created.size();
    }

    /** The threads this factory made, oldest first. */
    public List<Thread> threads() {
        return List.copyOf(created);
    }

    /** Fails unless every thread this factory made has terminated (or was never started). */
    public void assertNoneAlive() {
        for (Thread thread : created) {
            if (thread.isAlive()) {
                fail("thread outlived its owner: " + thread);
            }
        }
    }

    @Override
    public String toString() {
        return "TrackingFactory[" + delegate + "]";
    }
}
