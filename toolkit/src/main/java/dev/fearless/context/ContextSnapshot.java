package dev.fearless.context;

/**
 * Thread context captured on one thread, ready to be installed around work on another; produced
 * by {@link ContextPropagator#capture()}.
 *
 * <pre>{@code
 * ContextSnapshot snapshot = ContextPropagation.defaults().capture();  // on the forking thread
 * Thread.ofVirtual().start(() -> snapshot.runWith(() -> log.info("same MDC as the forker")));
 * }</pre>
 */
@FunctionalInterface
public interface ContextSnapshot {

    /** A snapshot that installs nothing. */
    ContextSnapshot EMPTY = Runnable::run;

    /**
     * Runs {@code body} on the calling thread with the captured context installed, and restores
     * the thread's previous context before returning or throwing. It must run {@code body}
     * exactly once: scopes and executors fail a task whose snapshot returns without running it,
     * and refuse (with an {@link IllegalStateException}) a second run.
     *
     * @param body the work to run inside the context
     */
    void runWith(Runnable body);
}
