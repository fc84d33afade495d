package dev.fearless.handle;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;

/** The two kinds of thread every conformance test runs with. */
enum ThreadKind {
    VIRTUAL(Thread.ofVirtual().name("virtual-", 0).factory()),
    PLATFORM(Thread.ofPlatform().name("platform-", 0).factory());

    private final ThreadFactory factory;

    ThreadKind(ThreadFactory factory) {
        this.factory = factory;
    }

    ThreadFactory factory() {
        return factory;
    }

    /** Starts a thread whose failure is recorded in {@code failures}. */
    Thread start(Queue<Throwable> failures, Body body) {
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
    Throwable runAndCatch(Body body) throws InterruptedException {
        Queue<Throwable> failures = failures();
        Thread thread = start(failures, body);
        assertTrue(thread.join(Duration.ofSeconds(30)), () -> thread + " did not finish");
        return failures.peek();
    }

    /** Joins every thread (failing if one is still alive after the bound) and rethrows the first failure. */
    static void joinAll(Queue<Throwable> failures, Iterable<Thread> threads) throws InterruptedException {
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

    static Queue<Throwable> failures() {
        return new ConcurrentLinkedQueue<>();
    }

    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }
}
