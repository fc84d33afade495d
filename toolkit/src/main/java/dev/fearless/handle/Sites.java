package dev.fearless.handle;

import dev.fearless.internal.Threads;
import java.io.Serial;

/** Where something happened (a move, a borrow, a guard's creation), and the wrong-thread exception. */
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
        return new Site(what + " by " + Threads.current());
    }

    /** The exception for a confined object used from a thread other than its owner. */
    static WrongThreadException wrongThread(String what, Thread owner) {
        return new WrongThreadException(what + " by " + Threads.current()
                + ", but only its owner, " + Threads.describe(owner) + ", may use it: pass the value to other"
                + " threads with a Shared handle or Owned.move(), not by sharing this object");
    }
}
