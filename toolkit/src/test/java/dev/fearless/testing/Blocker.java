package dev.fearless.testing;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/** A task that signals it started, then blocks until interrupted, and records the interrupt. */
public final class Blocker implements Callable<Integer> {
    private final CountDownLatch started = new CountDownLatch(1);
    private final AtomicBoolean interrupted = new AtomicBoolean();

    @Override
    public Integer call() throws InterruptedException {
        started.countDown();
        try {
            new CountDownLatch(1).await();
            return -1;
        } catch (InterruptedException e) {
            interrupted.set(true);
            throw e;
        }
    }

    /** Waits until {@link #call} has begun. */
    public void awaitStarted() throws InterruptedException {
        started.await();
    }

    /** Whether the task was interrupted. */
    public boolean interrupted() {
        return interrupted.get();
    }

    /** Whether the task has begun. */
    public boolean started() {
        return started.getCount() == 0;
    }
}
