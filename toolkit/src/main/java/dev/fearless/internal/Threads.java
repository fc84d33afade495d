package dev.fearless.internal;

/** The one format for threads in the toolkit's messages. */
public final class Threads {

    private Threads() {}

    /**
     * Describes a thread for a message, including the word "thread", so callers write
     * {@code "held by " + describe(t)}: {@code thread "main" (#3)},
     * {@code thread "worker-1" (#31, virtual)}, or {@code thread #31 (virtual)} when unnamed.
     *
     * @param thread the thread
     * @return the description
     */
    public static String describe(Thread thread) {
        String name = thread.getName();
        String virtual = thread.isVirtual() ? ", virtual" : "";
        if (name.isEmpty()) {
            return "thread #" + thread.threadId() + (thread.isVirtual() ? " (virtual)" : "");
        }
        return "thread \"" + name + "\" (#" + thread.threadId() + virtual + ")";
    }

    /**
     * {@link #describe(Thread)} of the current thread.
     *
     * @return the description
     */
    public static String current() {
        return describe(Thread.currentThread());
    }
}
