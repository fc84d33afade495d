package dev.fearless.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;

/**
 * The two kinds of thread every conformance test runs with. Threads are named {@code virtual-N} or
 * {@code platform-N} (so a message naming the thread says which kind it was); platform threads are
 * daemons, so a test that leaks one never keeps the JVM up.
 */
public enum ThreadKind {
    VIRTUAL(true),
    PLATFORM(false);

    private final boolean virtual;
    private final ThreadFactory factory;

    ThreadKind(boolean virtual) {
        this.virtual = virtual; // not "this == VIRTUAL": the constant is not assigned while it is constructed
        this.factory = builder().factory();
    }

    /** A fresh builder of this kind (named, platform threads daemon), for a test that needs its own settings. */
    public Thread.Builder builder() {
        return virtual
                ? Thread.ofVirtual().name("virtual-", 0)
                : Thread.ofPlatform().name("platform-", 0).daemon();
    }

    /** The shared factory of this kind. */
    public ThreadFactory factory() {
        return factory;
    }

    /** A new factory of this kind that remembers every thread it makes. */
    public TrackingFactory tracking() {
        return new TrackingFactory(factory);
    }

    /** Whether {@code thread} is of this kind. */
    public boolean isKindOf(Thread thread) {
        return thread.isVirtual() == virtual;
    }

    /** Starts a thread whose failure is recorded in {@code failures}. */
    public Thread start(Queue<Throwable> failures, Body body) {
        Thread thread = factory.newThread(() -> {
            try {
                body.run();
            } catch (Throwable t) {
                failures.add(t);
            }
        });
        thread.start();
        return thread;
    }

    /** Runs {@code body} on a new thread of this kind, waits for it and returns what it threw, or null. */
    public Throwable runAndCatch(Body body) throws InterruptedException {
        Queue<Throwable> failures = failures();
        Thread thread = start(failures, body);
        assertTrue(thread.join(Duration.ofSeconds(30)), () -> thread + " did not finish");
        return failures.peek();
    }

    /** Joins every thread (failing if one is still alive after the bound) and rethrows the first failure. */
    public static void joinAll(Queue<Throwable> failures, Iterable<Thread> threads) throws InterruptedException {
        for (Thread thread : threads) {
            assertTrue(thread.join(Duration.ofSeconds(30)), () -> thread + " did not finish");
        }
        Throwable first = failures.peek();
        if (first != null) {
            AssertionError error = new AssertionError("a thread failed", first);
            failures.stream().skip(1).forEach(error::addSuppressed);
            throw error;
        }
    }

    /** A queue for {@link #start} to record failures in. */
    public static Queue<Throwable> failures() {
        return new ConcurrentLinkedQueue<>();
    }

    /** Waits on {@code latch}, ignoring interrupts: a task that only a cancel hook can unblock. */
    public static void awaitUninterruptibly(CountDownLatch latch) {
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
    public static void assertNamesCurrentThread(Throwable e) {
        String message = String.valueOf(e.getMessage());
        if (!message.contains("#" + Thread.currentThread().threadId())) {
            fail("message does not name the calling thread " + Thread.currentThread() + ": " + message);
        }
    }

    /** The body of a thread started by {@link #start}. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }
}
