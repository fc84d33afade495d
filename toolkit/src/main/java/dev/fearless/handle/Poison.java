package dev.fearless.handle;

import dev.fearless.internal.Threads;
import dev.fearless.telemetry.Telemetry;
import dev.fearless.telemetry.TelemetryListener;
import java.util.function.Supplier;

/** Messages and telemetry shared by the poisoning handles. */
final class Poison {

    private Poison() {}

    /** Reports a handle newly poisoned. */
    static void reportPoisoned(String name) {
        TelemetryListener listener = Telemetry.listener();
        if (listener != null) {
            listener.handlePoisoned(name);
        }
    }

    static PoisonedException poisoned(String handle, Throwable cause, Supplier<LockGuard<?>> into, Runnable clear) {
        return new PoisonedException(handle + " is poisoned: an exception (the cause) was thrown while a thread held"
                + " it for writing, so the value may be half updated; access by "
                + Threads.current() + " refused. Repair it through PoisonedException.into() and"
                + " call clearPoison(), or build the handle with poisoning(false)", cause, into, clear);
    }

    static BorrowException reentered(String handle, String held, String requested) {
        return new BorrowException(Threads.current() + " asked for " + requested
                + " access to " + handle + " while it already holds " + held + " access: a second guard would alias"
                + " (or deadlock on) the first; use the value through the guard or closure it already has", null);
    }
}
