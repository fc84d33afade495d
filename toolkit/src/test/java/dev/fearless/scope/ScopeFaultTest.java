package dev.fearless.scope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.telemetry.Telemetry;
import dev.fearless.telemetry.TelemetryListener;
import dev.fearless.testing.ThreadKind;
import dev.fearless.testing.TrackingFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Faults from user code the scope calls (issue 14 items 2 and 5, issue 13 item 17): a
 * {@code scopeOpened} listener that throws, a thread factory that starts its thread, and the
 * factory not being called for a fork into a cancelled scope.
 */
@Isolated("registers a global telemetry listener")
@Timeout(30)
class ScopeFaultTest {

    /** What the dispatcher rethrows on purpose: a VirtualMachineError. */
    static final class InjectedError extends VirtualMachineError {
        private static final long serialVersionUID = 1L;

        InjectedError() {
            super("injected by the test");
        }
    }

    private static final TelemetryListener THROWS_ON_OPEN = new TelemetryListener() {
        @Override
        public void scopeOpened(String scope) {
            throw new InjectedError();
        }
    };

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aScopeOpenedListenerThatThrowsLeavesNoScopeOpen_onTheOwner(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        try (var outer = Scope.builder().threadFactory(threads).policy(Policy.<Integer>firstSuccess()).open()) {
            openFailsAndLeavesTheStackAlone(threads);
            outer.fork(() -> 2);
            assertEquals(2, outer.join());
        } // before the fix: StructureViolationException, the unreachable scope was still the innermost
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aScopeOpenedListenerThatThrowsLeavesNoScopeOpen_inATask(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        try (var outer = Scope.builder().threadFactory(threads).policy(Policy.<String>firstSuccess()).open()) {
            outer.fork(() -> {
                openFailsAndLeavesTheStackAlone(threads);
                return "clean";                      // a task that left a scope open would fail instead
            });
            assertEquals("clean", outer.join());
        }
        threads.assertNoneAlive();
    }

    private static void openFailsAndLeavesTheStackAlone(ThreadFactory threads) throws InterruptedException {
        Policy<Integer, Integer> policy = Policy.firstSuccess();
        try (var _ = Telemetry.register(THROWS_ON_OPEN)) {
            assertThrows(InjectedError.class, () -> Scope.builder().name("doomed").threadFactory(threads).open());
            assertThrows(InjectedError.class, () -> Scope.open(policy));
        }
        try (var inner = Scope.open(policy)) {       // the policy instance was not used up by the failed open
            inner.fork(() -> 1);
            assertEquals(1, inner.join());
        }
    }

    /** Starts the first thread it makes, against the ThreadFactory contract. */
    private static final class StartingFactory implements ThreadFactory {
        private final ThreadFactory delegate;
        private final AtomicInteger calls = new AtomicInteger();
        private final AtomicReference<@Nullable Thread> started = new AtomicReference<>();

        StartingFactory(ThreadFactory delegate) {
            this.delegate = delegate;
        }

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = delegate.newThread(task);
            if (calls.getAndIncrement() == 0) {
                thread.start();
                started.set(thread);
            }
            return thread;
        }

        @Override
        public String toString() {
            return "StartingFactory";
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aFactoryThatStartsItsThreadIsRejected_theScopeIsLeftAsItWas(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        StartingFactory factory = new StartingFactory(threads);
        AtomicBoolean ran = new AtomicBoolean();
        try (var scope = Scope.builder().threadFactory(factory).policy(Policy.<Integer>awaitAll()).open()) {
            RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> scope.fork(() -> {
                ran.set(true);
                return 1;
            }));
            assertTrue(e.getMessage().contains("StartingFactory"), e.getMessage());
            assertTrue(e.getMessage().contains("Thread.State.NEW"), e.getMessage());
            Thread rogue = factory.started.get();
            rogue.join();
            assertFalse(ran.get(), "the task ran on a thread the scope never started");
            Task<Integer> accepted = scope.fork(() -> 2);
            List<Task<Integer>> tasks = scope.join();
            assertEquals(List.of(accepted), tasks, "the rejected fork never reached the policy");
            assertEquals(2, accepted.get());
        }
        threads.assertNoneAlive();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aFactoryThatStartsItsThreadUnderALimitGivesThePermitBack(ThreadKind kind) throws Exception {
        StartingFactory factory = new StartingFactory(kind.tracking());
        try (var scope = Scope.builder().threadFactory(factory).maxConcurrency(1, Scope.WhenFull.REJECT)
                .policy(Policy.<Integer>firstSuccess()).open()) {
            assertThrows(RejectedExecutionException.class, () -> scope.fork(() -> 1));
            scope.fork(() -> 2);                     // the permit of the rejected fork is free again
            assertEquals(2, scope.join());
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void theFactoryIsNotCalledForAForkIntoACancelledScope(ThreadKind kind) throws Exception {
        TrackingFactory threads = kind.tracking();
        try (var scope = Scope.builder().threadFactory(threads).open()) {
            scope.cancel();
            Task<Integer> task = scope.fork(() -> 1);
            assertSame(Task.State.CANCELLED, task.state());
            assertEquals(0, threads.created());
        }
        try (var expired = Scope.builder().threadFactory(threads).timeout(Duration.ZERO).open()) {
            expired.fork(() -> 1);
            expired.forkDaemon(() -> 1);
            assertThrows(ScopeTimeoutException.class, expired::join);
        }
        assertEquals(0, threads.created());
    }

    @Test
    void aListenerThatThrowsARuntimeExceptionOnOpenIsIsolated() throws Exception {
        try (var _ = Telemetry.register(new TelemetryListener() {
            @Override
            public void scopeOpened(String scope) {
                throw new IllegalStateException("listener bug");
            }
        }); var scope = Scope.open()) {
            Task<Integer> task = scope.fork(() -> 3);
            scope.join();
            assertEquals(3, task.get());
        }
    }
}
