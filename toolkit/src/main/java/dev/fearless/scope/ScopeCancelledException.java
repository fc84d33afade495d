package dev.fearless.scope;

/**
 * Thrown by {@link Scope#join()} when the scope was cancelled with {@link Scope#cancel()} before
 * join completed: the tasks still running were cancelled and have terminated, so their results are
 * missing and the policy's result would be meaningless.
 *
 * <p>Like every exception of the scope it is a {@link ScopeException}. It is not a
 * {@link java.util.concurrent.CancellationException} (the JDK's type for a cancelled
 * {@link java.util.concurrent.Future}; {@link Task#get()} of a cancelled task throws that one).
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
public final class ScopeCancelledException extends ScopeException {

    private static final long serialVersionUID = 1L;

    ScopeCancelledException(String message) {
        super(message);
    }
}
