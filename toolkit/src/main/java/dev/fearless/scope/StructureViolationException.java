package dev.fearless.scope;

/**
 * Thrown when scopes are not used as nested blocks: a scope was closed while scopes opened after
 * it by the same thread were still open, or a task ended without closing a scope it opened.
 *
 * <p>Before this exception is thrown the offending inner scopes have been closed (their tasks
 * cancelled and terminated, innermost first), so the no-orphan guarantee still holds. Use
 * try-with-resources for every scope and the structure is correct by construction.
 *
 * <p>This is Fearless's own type: the JDK's {@code java.util.concurrent.StructureViolationException}
 * is a preview API in JDK 25 and cannot be used without {@code --enable-preview}.
 *
 * <pre>{@code
 * Scope<Object, Void> outer = Scope.open();
 * Scope<Object, Void> inner = Scope.open();
 * outer.close();   // closes inner first, then outer, then throws StructureViolationException
 * }</pre>
 */
public final class StructureViolationException extends ScopeException {

    private static final long serialVersionUID = 1L;

    StructureViolationException(String message) {
        super(message);
    }
}
