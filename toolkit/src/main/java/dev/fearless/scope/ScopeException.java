package dev.fearless.scope;

/**
 * The common type of every exception a {@link Scope} throws for its own reasons, so a caller can
 * catch them all in one clause: {@link ScopeFailedException} (the policy reports a failure),
 * {@link ScopeTimeoutException} (the deadline passed), {@link ScopeCancelledException} (the scope
 * was cancelled), {@link ScopeClosedException} (the scope accepts no more work) and
 * {@link StructureViolationException} (scopes not closed as nested blocks). The set is closed
 * ({@code sealed}) and every member is {@code final}, so a {@code switch} over them is exhaustive.
 *
 * <p>Exceptions that belong to the JDK's vocabulary stay the JDK's: {@link WrongThreadException}
 * (join or close off the owner thread, fork from a foreign thread), {@link InterruptedException},
 * {@link IllegalArgumentException} and {@link NullPointerException} for bad arguments, and
 * {@link IllegalStateException} for a join that already completed or a close without join.
 *
 * <pre>{@code
 * try (var scope = Scope.builder().timeout(Duration.ofSeconds(2)).open()) {
 *     scope.fork(() -> inventory.reserve(order));
 *     scope.fork(() -> payments.charge(order));
 *     scope.join();
 * } catch (ScopeException e) {
 *     String why = switch (e) {
 *         case ScopeFailedException failed -> "failed: " + failed.getCause();
 *         case ScopeTimeoutException timeout -> "too slow";
 *         case ScopeCancelledException cancelled -> "cancelled";
 *         case ScopeClosedException closed -> "closed";
 *         case StructureViolationException violation -> "misnested";
 *     };
 *     log.warn("checkout {}", why);
 * }
 * }</pre>
 */
public abstract sealed class ScopeException extends RuntimeException
        permits ScopeFailedException, ScopeTimeoutException, ScopeCancelledException, ScopeClosedException,
                StructureViolationException {

    private static final long serialVersionUID = 1L;

    ScopeException(String message) {
        super(message);
    }

    ScopeException(String message, Throwable cause) {
        super(message, cause);
    }
}
