package dev.fearless.handle;

import org.jspecify.annotations.Nullable;

/** A guard with exclusive access; subclasses say how to store a new value. */
abstract non-sealed class WriteHeld<T extends @Nullable Object> extends Held<T> implements WriteGuard<T> {

    WriteHeld(String name, String handle) {
        super(name, handle);
    }

    WriteHeld(String name, String handle, boolean track) {
        super(name, handle, track);
    }

    /** Stores the value; called by the owner while the guard is open. */
    abstract void store(T value);

    @Override
    public final void set(T value) {
        checkOpen("set()");
        store(value);
    }

    @Override
    public String toString() {
        return "Write" + super.toString();
    }
}
