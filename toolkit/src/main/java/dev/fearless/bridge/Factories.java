package dev.fearless.bridge;

import dev.fearless.internal.Threads;
import java.util.concurrent.ThreadFactory;

/** Calls into a user's {@link ThreadFactory}, trusting only what its contract guarantees us. */
final class Factories {

    private Factories() {}

    /**
     * Returns a new thread of {@code factory} for {@code body}, not yet started. The caller must
     * let {@code body} run only after this returned (a gate flag set afterwards): a factory that
     * starts the thread itself is refused here, and its thread may already be running the body.
     *
     * @throws IllegalStateException if the factory returned null or a thread already started
     */
    static Thread newUnstartedThread(ThreadFactory factory, Runnable body) {
        Thread thread = factory.newThread(body);
        if (thread == null) {
            throw new IllegalStateException("the thread factory " + factory + " returned null");
        }
        requireUnstarted(factory, thread);
        return thread;
    }

    /**
     * Checks that {@code factory} returned a thread in state NEW.
     *
     * @throws IllegalStateException naming the factory, the thread and its state otherwise
     */
    static void requireUnstarted(ThreadFactory factory, Thread thread) {
        Thread.State state = thread.getState();
        if (state != Thread.State.NEW) {
            throw new IllegalStateException("the thread factory " + factory + " returned " + Threads.describe(thread)
                    + " in state " + state + "; a ThreadFactory must return a thread that is not started yet");
        }
    }
}
