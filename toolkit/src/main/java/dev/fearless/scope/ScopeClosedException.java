package dev.fearless.scope;

/**
 * Thrown when an operation needs a scope that still accepts work, but the scope is closed, or has
 * already been joined and so accepts no more tasks: {@link Scope#fork(java.util.concurrent.Callable)}
 * after {@link Scope#join()} or {@link Scope#close()}, and {@link Scope#join()} after close.
 *
 * <pre>{@code
 * Scope<Object, Void> scope = Scope.open();
 * scope.close();
 * scope.fork(() -> work());   // throws ScopeClosedException: open a new scope for new work
 * }</pre>
 *
 * <p>Like every exception of the scope it is a {@link ScopeException}, not an
 * {@link IllegalStateException}.
 */
public final class ScopeClosedException extends ScopeException {

    private static final long serialVersionUID = 1L;

    ScopeClosedException(String message) {
        super(message);
    }
}
