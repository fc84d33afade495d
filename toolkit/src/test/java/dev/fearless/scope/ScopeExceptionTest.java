package dev.fearless.scope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue 13 item 11: one catchable base type for the scope's own exceptions, all final. */
@Timeout(30)
class ScopeExceptionTest {

    @Test
    void theBaseTypeIsSealedAndEveryMemberIsFinal() {
        assertTrue(ScopeException.class.isSealed());
        assertTrue(Modifier.isAbstract(ScopeException.class.getModifiers()));
        assertEquals(RuntimeException.class, ScopeException.class.getSuperclass());
        Set<Class<?>> permitted = Arrays.stream(ScopeException.class.getPermittedSubclasses()).collect(Collectors.toSet());
        assertEquals(Set.of(ScopeFailedException.class, ScopeTimeoutException.class, ScopeCancelledException.class,
                ScopeClosedException.class, StructureViolationException.class), permitted);
        for (Class<?> type : permitted) {
            assertTrue(Modifier.isFinal(type.getModifiers()), type + " is final");
        }
    }

    @Test
    void everyOutcomeOfJoinAndEveryMisuseIsCaughtByOneClause() throws Exception {
        List<ScopeException> caught = List.of(
                caught(() -> {
                    try (var scope = Scope.open()) {
                        scope.fork(() -> {
                            throw new IllegalStateException("boom");
                        });
                        scope.join();
                    }
                }),
                caught(() -> {
                    try (var scope = Scope.builder().timeout(Duration.ZERO).open()) {
                        scope.join();
                    }
                }),
                caught(() -> {
                    try (var scope = Scope.open()) {
                        scope.cancel();
                        scope.join();
                    }
                }),
                caught(() -> {
                    Scope<Object, Void> scope = Scope.open();
                    scope.close();
                    scope.fork(() -> 1);
                }),
                caught(() -> {
                    Scope<Object, Void> outer = Scope.open();
                    Scope.open();
                    outer.close();
                }));
        assertInstanceOf(ScopeFailedException.class, caught.get(0));
        assertInstanceOf(ScopeTimeoutException.class, caught.get(1));
        assertInstanceOf(ScopeCancelledException.class, caught.get(2));
        assertInstanceOf(ScopeClosedException.class, caught.get(3));
        assertInstanceOf(StructureViolationException.class, caught.get(4));
    }

    @Test
    void aCustomPolicyStillReportsFailureWithThePublicConstructor() {
        IllegalStateException cause = new IllegalStateException("no quorum");
        ScopeException e = new ScopeFailedException("quorum not reached", cause);
        assertEquals(cause, e.getCause());
        assertThrows(ScopeFailedException.class, () -> {
            throw e;
        });
    }

    private interface Body {
        void run() throws Exception;
    }

    private static ScopeException caught(Body body) throws Exception {
        try {
            body.run();
        } catch (ScopeException e) {
            return e;
        }
        throw new AssertionError("no ScopeException");
    }
}
