package dev.fearless.scope;

import java.util.concurrent.CancellationException;

/**
 * Thrown by {@link Scope#join()} when the scope was cancelled with {@link Scope#cancel()} before
 * join completed: the tasks still running were cancelled and have terminated, so their results are
 * missing and the policy's result would be meaningless.
 *
 * <p>It is a {@link CancellationException}, so code that already treats cancellation as an
 * expected outcome keeps working.
 *
 * <pre>{@code
 * try (var scope = Scope.open()) {
 *     scope.fork(() -> crawl(root, scope));   // a task may call scope.cancel() when it has seen enough
 *     scope.join();
 * } catch (ScopeCancelledException e) {
 *     log.info("crawl stopped early: {}", e.getMessage());
 * }
 * }</pre>
 */
public final class ScopeCancelledException extends CancellationException {

    private static final long serialVersionUID = 1L;

    ScopeCancelledException(String message) {
        super(message);
    }
}
