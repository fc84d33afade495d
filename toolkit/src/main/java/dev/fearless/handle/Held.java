package dev.fearless.handle;

import dev.fearless.internal.Threads;
import org.jspecify.annotations.Nullable;

/**
 * The implementation of every guard: confinement to the thread that took it, use-after-close
 * checks, idempotent close and leak tracking. Subclasses say how to read the value and how to
 * release the lock or borrow.
 */
abstract non-sealed class Held<T extends @Nullable Object> implements Guard<T> {

    /*
     * Implementation overview: every field but `closed` is final; `closed` is written and read
     * only by the owner thread (a foreign thread is turned away by the owner check before it
     * reads it), so no synchronization is needed. The value itself lives in the handle and is
     * read through load() while the lock or borrow is held.
     */

    final Thread owner = Thread.currentThread();
    private final Leaks.@Nullable Tracker tracker;
    private boolean closed;

    Held(String name, String handle) {
        this(name, handle, true);
    }

    /** {@code track} false for a guard whose lifetime the handle bounds itself (never leaked). */
    Held(String name, String handle, boolean track) {
        this.tracker = track ? Leaks.guard(this, name, handle) : null;
    }

    /** Reads the value; called by the owner while the guard is open. */
    abstract T load();

    /** Releases the lock or borrow; called once, by the owner. */
    abstract void release();

    /** Describes the handle for messages, such as {@code Shared 'counter'}. */
    abstract String handle();

    @Override
    public final T get() {
        checkOpen("get()");
        return load();
    }

    @Override
    public final void close() {
        if (Thread.currentThread() != owner) {
            throw Sites.wrongThread("close() of a guard of " + handle(), owner);
        }
        if (closed) {
            return;
        }
        closed = true;
        if (tracker != null) {
            tracker.done();
        }
        release();
    }

    /** Throws unless called by the owner on an open guard. */
    final void checkOpen(String operation) {
        if (Thread.currentThread() != owner) {
            throw Sites.wrongThread(operation + " on a guard of " + handle(), owner);
        }
        if (closed) {
            throw new GuardClosedException(operation + " on a closed guard of " + handle() + " by "
                    + Threads.describe(owner) + ": the value is reachable only while the guard is open; take a"
                    + " new guard, and do not use one after its try-with-resources block");
        }
    }

    /**
     * Describes the guard, such as {@code Guard[Shared 'counter', open]}; never the value.
     *
     * @return a description for logs
     */
    @Override
    public String toString() {
        return "Guard[" + handle() + (closed ? ", closed]" : ", open]");
    }
}
