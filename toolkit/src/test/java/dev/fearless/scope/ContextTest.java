package dev.fearless.scope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.context.ContextPropagation;
import dev.fearless.context.ContextPropagator;
import dev.fearless.testing.TaskAssertions;
import dev.fearless.testing.ThreadKind;
import dev.fearless.testing.TrackingFactory;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.MDC;

/** Rule 8: scoped values and the MDC reach every fork; thread names and the thread factory. */
@Timeout(30)
class ContextTest {

    private static final ScopedValue<String> USER = ScopedValue.newInstance();
    private static final ScopedValue<String> UNREGISTERED = ScopedValue.newInstance();

    @AfterEach
    void clearMdc() {
        MDC.clear();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void registeredScopedValuesAreReboundInEveryFork_includingForksFromTasks(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        ContextPropagation context = ContextPropagation.defaults().with(ContextPropagator.scopedValues(USER));
        List<String> seen = ScopedValue.where(USER, "ada").where(UNREGISTERED, "secret").call(() -> {
            try (var scope = Scope.builder().threadFactory(threads).context(context)
                    .policy(Policy.<String>awaitAll()).open()) {
                AtomicReference<Task<String>> grandchild = new AtomicReference<>();
                Task<String> child = scope.fork(() -> {
                    grandchild.set(scope.fork(() -> USER.get() + "/" + UNREGISTERED.isBound()));
                    return USER.get() + "/" + UNREGISTERED.isBound();
                });
                scope.join();
                return List.of(child.get(), grandchild.get().get());
            }
        });
        assertEquals(List.of("ada/false", "ada/false"), seen);
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void theForkingThreadsMdcIsCopiedAndTheTaskCannotChangeIt(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        MDC.put("request", "r-42");
        try (var scope = Scope.builder().threadFactory(threads).open()) {
            Task<String> task = scope.fork(() -> {
                String seen = MDC.get("request");
                MDC.put("request", "changed in task");
                return seen;
            });
            MDC.put("request", "changed after fork");    // the snapshot was taken at fork
            scope.join();
            assertEquals("r-42", task.get());
        }
        assertEquals("changed after fork", MDC.get("request"));
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void noPropagationCarriesNothing(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        MDC.put("request", "r-1");
        try (var scope = Scope.builder().threadFactory(threads).context(ContextPropagation.none()).open()) {
            Task<String> task = scope.fork(() -> MDC.get("request"));
            scope.join();
            assertNull(task.get());
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aSnapshotThatNeverRunsTheTaskFailsItInsteadOfLeavingItRunning(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        ContextPropagation broken = ContextPropagation.none().with(() -> body -> { });
        try (var scope = Scope.builder().threadFactory(threads).context(broken).policy(Policy.<String>awaitAll()).open()) {
            Task<String> task = scope.fork(() -> "never runs");
            scope.join();
            TaskAssertions.assertState(Task.State.FAILED, task);
            assertTrue(task.exception().getMessage().contains("ContextSnapshot must run its body"),
                    task.exception().getMessage());
        }
        threads.assertNoneAlive();
    }

    @Test
    void theDefaultFactoryMakesVirtualThreads_namedAfterANamedScope_unnamedOtherwise() throws Exception {
        try (var named = Scope.builder().name("checkout").open(); var unnamed = Scope.open()) {
            Task<Thread> a = named.fork(Thread::currentThread);
            Task<Thread> b = unnamed.fork(Thread::currentThread);
            unnamed.join();
            named.join();
            assertTrue(a.get().isVirtual());
            assertEquals("checkout", a.get().getName());
            assertTrue(b.get().isVirtual());
            assertEquals("", b.get().getName());
            assertEquals("checkout", named.name());
            assertEquals("default", unnamed.name());
        }
    }

    @Test
    void builderArgumentsAreValidated() {
        assertEquals("name", org.junit.jupiter.api.Assertions.assertThrows(NullPointerException.class,
                () -> Scope.builder().name(null)).getMessage());
        IllegalArgumentException blank = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Scope.builder().name("  "));
        assertEquals("name must not be blank: \"  \"", blank.getMessage());
        assertEquals("threadFactory", org.junit.jupiter.api.Assertions.assertThrows(NullPointerException.class,
                () -> Scope.builder().threadFactory(null)).getMessage());
        assertEquals("context", org.junit.jupiter.api.Assertions.assertThrows(NullPointerException.class,
                () -> Scope.builder().context(null)).getMessage());
        assertEquals("policy", org.junit.jupiter.api.Assertions.assertThrows(NullPointerException.class,
                () -> Scope.builder().policy(null)).getMessage());
        assertFalse(Scope.builder().toString().isEmpty());
    }
}
