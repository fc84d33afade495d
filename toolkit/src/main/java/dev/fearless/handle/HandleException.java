package dev.fearless.handle;

import java.io.Serial;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when a handle's ownership rule is broken: the value is poisoned
 * ({@link PoisonedException}), a borrow conflicts with an outstanding one
 * ({@link BorrowException}), a handle is used after its value was moved away
 * ({@link MovedException}), or a guard is used after it was closed
 * ({@link GuardClosedException}). Use from a thread that may not touch a handle throws the JDK's
 * {@link WrongThreadException} instead, as confined FFM arenas do.
 *
 * <p>The message says what was done, by which thread, and how to fix it; when the handle knows
 * where the conflicting action happened (the move, the outstanding borrow, the failure that
 * poisoned the value), that site is the exception's {@linkplain #getCause() cause}.
 *
 * <pre>{@code
 * try {
 *     counter.update(n -> n + 1);
 * } catch (HandleException e) {
 *     switch (e) {
 *         case PoisonedException p -> log.warn("counter poisoned by", p.getCause());
 *         case BorrowException b -> throw b;
 *         case MovedException m -> throw m;
 *         case GuardClosedException g -> throw g;
 *     }
 * }
 * }</pre>
 */
public abstract sealed class HandleException extends IllegalStateException
        permits PoisonedException, BorrowException, MovedException, GuardClosedException {

    @Serial
    private static final long serialVersionUID = 1L;

    HandleException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
