package dev.fearless.handle;

import java.io.Serial;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when a borrow conflicts with one the same thread still holds: a
 * {@link Confined#borrowMut()} while any borrow is outstanding or a {@link Confined#borrow()}
 * while a mutable borrow is, as Rust's {@code RefCell} panics with "already borrowed"; and
 * locking a {@link Shared} or {@link SharedRw} again on a thread that already holds it (a second
 * guard would alias the first; Rust's {@code Mutex} would deadlock there).
 *
 * <p>When borrow sites are recorded ({@link Diagnostics#setRecordBorrowSites(boolean)}; on by
 * default where assertions are enabled), the {@linkplain #getCause() cause} is the stack where the
 * outstanding borrow was taken.
 *
 * <pre>{@code
 * Confined<List<String>> names = Confined.of(new ArrayList<>());
 * try (Guard<List<String>> reading = names.borrow()) {
 *     names.borrowMut();   // throws BorrowException: caused by the site of names.borrow()
 * }
 * }</pre>
 */
public final class BorrowException extends HandleException {

    @Serial
    private static final long serialVersionUID = 1L;

    BorrowException(String message, @Nullable Throwable site) {
        super(message, site);
    }
}
