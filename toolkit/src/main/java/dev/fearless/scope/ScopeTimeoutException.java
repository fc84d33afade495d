package dev.fearless.scope;

/**
 * Thrown by {@link Scope#join()} when the scope's deadline passed before join completed: every task
 * still running at the deadline was cancelled and has terminated.
 *
 * <p>The scope hands this exception to {@link Policy#onTimeout(ScopeTimeoutException)}, which
 * rethrows it (the default) or returns a partial result instead, as {@link Policy#awaitAll()} and
 * {@link Policy#until(java.util.function.Predicate)} do.
 *
 * <pre>{@code
 * try (var scope = Scope.builder().timeout(Duration.ofMillis(200)).open()) {
 *     Task<Price> price = scope.fork(() -> pricing.quote(item));
 *     scope.join();
 *     return price.get();
 * } catch (ScopeTimeoutException e) {
 *     return Price.unavailable();
 * }
 * }</pre>
 */
public final class ScopeTimeoutException extends ScopeException {

    private static final long serialVersionUID = 1L;

    ScopeTimeoutException(String message) {
        super(message);
    }
}
