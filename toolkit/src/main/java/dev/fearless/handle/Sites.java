package dev.fearless.handle;

import java.io.Serial;

/** Where something happened (a move, a borrow, a guard's creation), and thread descriptions for messages. */
final class Sites {

    private Sites() {}

    /**
     * A captured stack, used as the cause of the exception that reports a conflict and in leak
     * reports. Only the VM's compact backtrace is taken at construction; stack trace elements are
     * built lazily when the site is printed, which keeps capturing in the low microseconds.
     */
    static final class Site extends Throwable {
        @Serial
        private static final long serialVersionUID = 1L;

        Site(String message) {
            super(message, null, false, true);
        }
    }

    /** Captures the caller's stack with a message such as {@code "moved by thread \"main\" (#1)"}. */
    static Site capture(String what) {
        return new Site(what + " by thread " + describe(Thread.currentThread()));
    }

    /** A thread for messages: {@code "name" (#id)}, or {@code virtual thread #id} when unnamed. */
    static String describe(Thread thread) {
        String name = thread.getName();
        if (name.isEmpty()) {
            return (thread.isVirtual() ? "virtual thread #" : "thread #") + thread.threadId();
        }
        return "\"" + name + "\" (#" + thread.threadId() + ")";
    }

    /** The exception for a confined object used from a thread other than its owner. */
    static WrongThreadException wrongThread(String what, Thread owner) {
        return new WrongThreadException(what + " on thread " + describe(Thread.currentThread())
                + ", but only its owner thread " + describe(owner) + " may use it: pass the value to other"
                + " threads with a Shared handle or Owned.move(), not by sharing this object");
    }
}
