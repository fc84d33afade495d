package dev.fearless.scope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The two kinds of thread the conformance tests run with, each through a factory that remembers
 * every thread it made, so a test can check that none outlived its scope.
 */
enum Threads {
    VIRTUAL(Thread.ofVirtual().factory()),
    PLATFORM(Thread.ofPlatform().factory());

    private final ThreadFactory delegate;

    Threads(ThreadFactory delegate) {
        this.delegate = delegate;
    }

    Tracking tracking() {
        return new Tracking(delegate);
    }

    /** A factory that records every thread it creates. */
    static final class Tracking implements ThreadFactory {
        private final ThreadFactory delegate;
        private final ConcurrentLinkedQueue<Thread> created = new ConcurrentLinkedQueue<>();

        Tracking(ThreadFactory delegate) {
            this.delegate = delegate;
        }

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = delegate.newThread(task);
            created.add(thread);
            return thread;
        }

        int created() {
            return created.size();
        }

        List<Thread> threads() {
            return List.copyOf(created);
        }

        /** Fails unless every thread this factory made has terminated (or was never started). */
        void assertNoneAlive() {
            for (Thread thread : created) {
                if (thread.isAlive()) {
                    fail("thread outlived its scope: " + thread);
                }
            }
        }

        @Override
        public String toString() {
            return "Tracking[" + delegate + "]";
        }
    }

    /** A task that signals it started, then blocks until interrupted, and records the interrupt. */
    static final class Blocker implements Callable<Integer> {
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

        void awaitStarted() throws InterruptedException {
            started.await();
        }

        boolean interrupted() {
            return interrupted.get();
        }

        boolean started() {
            return started.getCount() == 0;
        }
    }

    /** Waits on {@code latch}, ignoring interrupts: a task that only a cancel hook can unblock. */
    static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Fails unless the exception's message names the calling thread (by its id). */
    static void assertNamesCurrentThread(Throwable e) {
        String message = String.valueOf(e.getMessage());
        if (!message.contains("#" + Thread.currentThread().threadId())) {
            fail("message does not name the calling thread " + Thread.currentThread() + ": " + message);
        }
    }

    static void assertState(Task.State expected, Task<?> task) {
        assertEquals(expected, task.state(), () -> "state of " + task);
    }
}
