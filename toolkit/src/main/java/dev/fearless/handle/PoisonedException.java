package dev.fearless.handle;

import java.io.Serial;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when a {@link Shared} or {@link SharedRw} value is accessed after an exception was
 * thrown while it was held for writing (Rust's {@code PoisonError}): the value may be half
 * updated, so the handle refuses to hand it out silently. The {@linkplain #getCause() cause} is
 * the exception that poisoned it.
 *
 * <p>The exception is thrown after the lock has been released again. Recovery, when the caller
 * knows how to repair the value: {@link #into()} takes the lock again ignoring the poison and
 * returns a guard on the value; {@link #clearPoison()} (or the handle's {@code clearPoison()})
 * marks the value healthy. A handle built with {@code poisoning(false)} never throws this.
 *
 * <pre>{@code
 * try {
 *     total = ledger.read(Ledger::total);
 * } catch (PoisonedException e) {
 *     try (WriteGuard<Ledger> guard = e.into()) {
 *         guard.get().rebuildTotals();   // repair the invariant the failure broke
 *         e.clearPoison();
 *         total = guard.get().total();
 *     }
 * }
 * }</pre>
 */
public final class PoisonedException extends HandleException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final transient @Nullable Supplier<LockGuard<?>> recovery;
    private final transient @Nullable Runnable clear;

    PoisonedException(String message, Throwable cause, Supplier<LockGuard<?>> recovery, Runnable clear) {
        super(message, cause);
        this.recovery = recovery;
        this.clear = clear;
    }

    /**
     * Takes the poisoned handle's (write) lock again, waiting uninterruptibly, ignoring the poison,
     * and returns a guard on its value, as Rust's {@code PoisonError::into_inner}. The handle stays
     * poisoned until {@link #clearPoison()}. The type argument is inferred at the call site and
     * must be the handle's value type.
     *
     * @param <T> the handle's value type
     * @return a guard on the value; close it on this thread
     * @throws BorrowException if this thread already holds the handle
     * @throws IllegalStateException if this exception was deserialized (it no longer knows its
     *     handle)
     */
    @SuppressWarnings("unchecked")
    public <T extends @Nullable Object> LockGuard<T> into() {
        if (recovery == null) {
            throw new IllegalStateException("a deserialized PoisonedException no longer knows its handle");
        }
        return (LockGuard<T>) recovery.get();
    }

    /**
     * Marks the handle's value healthy again (Rust's {@code clear_poison}); the same as calling
     * the handle's {@code clearPoison()}.
     *
     * @throws IllegalStateException if this exception was deserialized
     */
    public void clearPoison() {
        if (clear == null) {
            throw new IllegalStateException("a deserialized PoisonedException no longer knows its handle");
        }
        clear.run();
    }
}
