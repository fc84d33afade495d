package dev.fearless.scope;

/**
 * Thrown by {@link Scope#join()} when the scope's {@link Policy} reports failure: the
 * {@linkplain #getCause() cause} is the first task failure and every other task failure observed
 * before the scope finished is {@linkplain #getSuppressed() suppressed} in it.
 *
 * <p>Tasks that were cancelled (because of this failure, or explicitly) are not failures and do not
 * appear here. Custom policies throw this exception from {@link Policy#result()} to report failure
 * the same way the built-in policies do.
 *
 * <pre>{@code
 * try (var scope = Scope.open()) {
 *     scope.fork(() -> inventory.reserve(order));
 *     scope.fork(() -> payments.charge(order));
 *     scope.join();
 *     return Result.confirmed();
 * } catch (ScopeFailedException e) {
 *     if (e.getCause() instanceof PaymentDeclinedException declined) {
 *         return Result.declined(declined);
 *     }
 *     throw e;
 * }
 * }</pre>
 */
public final class ScopeFailedException extends ScopeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, in which scope, and what happened to the other tasks
     * @param cause the first failure (when no task failed, an exception saying why the policy
     *     failed, such as the {@link java.util.NoSuchElementException} of
     *     {@link Policy#firstSuccess()} when no task succeeded)
     */
    public ScopeFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
