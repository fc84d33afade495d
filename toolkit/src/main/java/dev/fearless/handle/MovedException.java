package dev.fearless.handle;

import java.io.Serial;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when an {@link Owned} handle is used after its value was moved away with
 * {@link Owned#move()}, or when a {@link Owned.Moved} value is received a second time. The
 * message names the thread that moved the value and the one that received it, if any; the
 * {@linkplain #getCause() cause} is the stack of the move.
 *
 * <pre>{@code
 * Owned<List<Integer>> v = Owned.of(List.of(1, 2, 3));
 * Owned.Moved<List<Integer>> moved = v.move();
 * Thread.ofVirtual().start(() -> System.out.println(moved.receive().get()));
 * v.get();   // throws MovedException: "... was moved by thread main ..."
 * }</pre>
 */
public final class MovedException extends HandleException {

    @Serial
    private static final long serialVersionUID = 1L;

    MovedException(String message, @Nullable Throwable site) {
        super(message, site);
    }
}
