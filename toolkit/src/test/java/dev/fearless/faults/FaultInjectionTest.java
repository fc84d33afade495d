package dev.fearless.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.bridge.LimitPolicy;
import dev.fearless.bridge.TaskRejectedException;
import dev.fearless.bridge.VirtualExecutor;
import dev.fearless.context.ContextPropagation;
import dev.fearless.context.ContextSnapshot;
import dev.fearless.lock.DeadlockWatchdog;
import dev.fearless.lock.HeldLocks;
import dev.fearless.lock.LockOrderChecker;
import dev.fearless.lock.Locks;
import dev.fearless.lock.OrderedLock;
import dev.fearless.lock.OrderedReadWriteLock;
import dev.fearless.lock.PotentialDeadlockException;
import dev.fearless.lock.RankedLock;
import dev.fearless.telemetry.ExecutorState;
import dev.fearless.telemetry.Outcome;
import dev.fearless.telemetry.Telemetry;
import dev.fearless.telemetry.TelemetryListener;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 14's fault-injection suite for bridge, lock and telemetry: a listener, a propagator and
 * a thread factory throw each kind of {@link Throwable} at each call, one at a time; after each,
 * the component still works and every count balances (CONTRIBUTING.md, "Faults from user code").
 *
 * <p>The telemetry dispatcher isolates a listener's exceptions and errors but rethrows
 * {@link VirtualMachineError}s on purpose: for those kinds the call that reported the event
 * throws, and the test checks that it threw at a point where nothing is half-done.
 */
@Isolated("registers a global telemetry listener")
@Timeout(60)
class FaultInjectionTest {

    /** The kinds of throwable user code can throw. */
    enum Fault {
        RUNTIME {
            @Override
            Throwable make() {
                return new IllegalStateException("injected");
            }
        },
        CHECKED {
            @Override
            Throwable make() {
                return new IOException("injected, thrown sneakily");
            }
        },
        ERROR {
            @Override
            Throwable make() {
                return new AssertionError("injected");
            }
        },
        STACK_OVERFLOW {
            @Override
            Throwable make() {
                return new StackOverflowError("injected");
            }
        },
        OUT_OF_MEMORY {
            @Override
            Throwable make() {
                return new OutOfMemoryError("injected");
            }
        };

        abstract Throwable make();

        /** Whether the dispatcher lets a listener's throwable of this kind through to the component. */
        boolean passesTheDispatcher(Throwable thrown) {
            return thrown instanceof VirtualMachineError;
        }
    }

    enum Kind {
        VIRTUAL(Thread.ofVirtual().name("faults-v-", 0).factory()),
        PLATFORM(Thread.ofPlatform().daemon().name("faults-p-", 0).factory());

        final ThreadFactory factory;

        Kind(ThreadFactory factory) {
            this.factory = factory;
        }
    }

    /** A listener that throws {@code thrown} from the one event named {@code event}, every time. */
    static final class Throwing implements TelemetryListener {
        final String event;
        final Throwable thrown;
        final AtomicInteger thrownTimes = new AtomicInteger();

        Throwing(String event, Throwable thrown) {
            this.event = event;
            this.thrown = thrown;
        }

        private void on(String name) {
            if (name.equals(event)) {
                thrownTimes.incrementAndGet();
                throw sneaky(thrown);
            }
        }

        @Override
        public void lockAcquired(String lock, long waitNanos, boolean contended) {
            on("lockAcquired");
        }

        @Override
        public void lockReleased(String lock, long heldNanos) {
            on("lockReleased");
        }

        @Override
        public void lockAbandoned(String lock, Outcome outcome, long waitNanos) {
            on("lockAbandoned");
        }

        @Override
        public void lockOrderViolation(List<String> cycle, String report) {
            on("lockOrderViolation");
        }

        @Override
        public void executorCreated(ExecutorState executor) {
            on("executorCreated");
        }

        @Override
        public void executorSubmitted(String executor) {
            on("executorSubmitted");
        }

        @Override
        public void executorRejected(String executor) {
            on("executorRejected");
        }

        @Override
        public void executorStarted(String executor, long waitNanos) {
            on("executorStarted");
        }

        @Override
        public void executorFinished(String executor, Outcome outcome, long runNanos) {
            on("executorFinished");
        }

        @Override
        public String toString() {
            return "Throwing[" + event + ", " + thrown + "]";
        }
    }

    private Telemetry.@Nullable Registration registration;

    private Throwing register(String event, Throwable thrown) {
        Throwing listener = new Throwing(event, thrown);
        registration = Telemetry.register(listener);
        return listener;
    }

    @AfterEach
    void unregister() {
        if (registration != null) {
            registration.close();
        }
    }

    static Stream<Arguments> matrix(List<String> calls) {
        return calls.stream().flatMap(call -> Stream.of(Kind.values()).flatMap(kind ->
                Stream.of(Fault.values()).map(fault -> Arguments.of(call, kind, fault))));
    }

    /** Runs {@code body} on a thread of {@code kind}; returns what it threw, or null. */
    static @Nullable Throwable onThread(Kind kind, Body body) throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread thread = kind.factory.newThread(() -> {
            try {
                body.run();
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        thread.start();
        assertTrue(thread.join(Duration.ofSeconds(30)), "the call returned");
        return thrown.get();
    }

    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    @SuppressWarnings("unchecked")
    static <E extends Throwable> RuntimeException sneaky(Throwable thrown) throws E {
        throw (E) thrown;
    }

    /** Another thread can take every lock at once: nothing is held any more. */
    private static void assertFree(RankedLock... locks) throws InterruptedException {
        for (RankedLock lock : locks) {
            assertNull(onThread(Kind.PLATFORM, () -> {
                assertTrue(lock.tryLock(), lock + " is free");
                lock.unlock();
            }));
        }
    }

    // ------------------------------------------------------------------ locks: lockAcquired

    static Stream<Arguments> acquisitions() {
        return matrix(List.of("lock", "tryLock", "lockInterruptibly", "timedTryLock", "writeLock", "readLock",
                "lockAll", "tryLockAll", "lockAllInterruptibly"));
    }

    @ParameterizedTest(name = "{0} on {1}, lockAcquired throws {2}")
    @MethodSource("acquisitions")
    void aListenerThrowingFromLockAcquiredNeverLeavesALockHeld(String call, Kind kind, Fault fault) throws Exception {
        OrderedLock a = new OrderedLock("a");
        OrderedLock b = new OrderedLock("b");
        OrderedReadWriteLock rw = new OrderedReadWriteLock("rw");
        Throwable injected = fault.make();
        Throwing listener = register("lockAcquired", injected);
        AtomicReference<Boolean> heldAfter = new AtomicReference<>();
        Throwable thrown = onThread(kind, () -> {
            try {
                switch (call) {
                    case "lock" -> a.lock();
                    case "tryLock" -> assertTrue(a.tryLock());
                    case "lockInterruptibly" -> a.lockInterruptibly();
                    case "timedTryLock" -> assertTrue(a.tryLock(1, TimeUnit.SECONDS));
                    case "writeLock" -> rw.writeLock().lock();
                    case "readLock" -> rw.readLock().lock();
                    case "lockAll" -> Locks.lockAll(a, b);
                    case "tryLockAll" -> assertTrue(Locks.tryLockAll(Duration.ofSeconds(1), a, b).isPresent());
                    case "lockAllInterruptibly" -> Locks.lockAllInterruptibly(a, b);
                    default -> throw new AssertionError(call);
                }
            } finally {
                heldAfter.set(a.isHeldByCurrentThread() || b.isHeldByCurrentThread()
                        || rw.writeLock().isHeldByCurrentThread() || rw.readLock().isHeldByCurrentThread());
                for (RankedLock lock : List.of(a, b, rw.writeLock(), rw.readLock())) {
                    if (lock.isHeldByCurrentThread()) {
                        lock.unlock(); // what a successful call took (lockAll's HeldLocks holds nothing else)
                    }
                }
            }
        });
        assertTrue(listener.thrownTimes.get() >= 1, "the fault was injected");
        if (fault.passesTheDispatcher(injected)) {
            assertSame(injected, thrown, "the listener's error reaches the caller");
            assertFalse(heldAfter.get(), "a call that threw holds nothing");
        } else {
            assertNull(thrown, "the dispatcher isolated the listener");
            assertTrue(heldAfter.get(), "the acquisition succeeded");
        }
        registration.close();
        assertFree(a, b, rw.writeLock());
        try (HeldLocks held = Locks.lockAll(a, b, rw.writeLock())) {
            assertEquals(3, held.locks().size(), "the locks work afterwards");
        }
    }

    @ParameterizedTest(name = "{0} on {1}, lockReleased throws {2}")
    @MethodSource("releases")
    void aListenerThrowingFromLockReleasedStillReleases(String call, Kind kind, Fault fault) throws Exception {
        OrderedLock a = new OrderedLock("a");
        OrderedLock b = new OrderedLock("b");
        Throwable injected = fault.make();
        Throwing listener = register("lockReleased", injected);
        Throwable thrown = onThread(kind, () -> {
            switch (call) {
                case "unlock" -> {
                    a.lock();
                    a.unlock();
                }
                case "heldLocksClose" -> Locks.lockAll(a, b).close();
                default -> throw new AssertionError(call);
            }
        });
        assertTrue(listener.thrownTimes.get() >= 1);
        if (fault.passesTheDispatcher(injected)) {
            assertSame(injected, thrown);
        } else {
            assertNull(thrown);
        }
        registration.close();
        if (call.equals("unlock") || !fault.passesTheDispatcher(injected)) {
            assertFree(a, b);
        } else {
            // HeldLocks.close released the first lock, then the listener's error stopped it: the
            // locks released so far are free, and the thread that held the rest has ended.
            assertTrue(!a.isLocked() || !b.isLocked(), "the release that was reported happened");
        }
    }

    static Stream<Arguments> releases() {
        return matrix(List.of("unlock", "heldLocksClose"));
    }

    @ParameterizedTest(name = "{0} on {1}, lockAbandoned throws {2}")
    @MethodSource("abandonments")
    void aListenerThrowingFromLockAbandonedLeavesNothingHeld(String call, Kind kind, Fault fault) throws Exception {
        OrderedLock busy = new OrderedLock("busy");
        OrderedLock free = new OrderedLock("free");
        busy.lock();
        try {
            Throwable injected = fault.make();
            Throwing listener = register("lockAbandoned", injected);
            AtomicReference<Boolean> heldAfter = new AtomicReference<>();
            Throwable thrown = onThread(kind, () -> {
                try {
                    switch (call) {
                        case "timedTryLock" -> assertFalse(busy.tryLock(1, TimeUnit.MILLISECONDS));
                        case "tryLockAll" -> assertTrue(Locks.tryLockAll(Duration.ofMillis(1), free, busy).isEmpty());
                        default -> throw new AssertionError(call);
                    }
                } finally {
                    heldAfter.set(busy.isHeldByCurrentThread() || free.isHeldByCurrentThread());
                }
            });
            assertTrue(listener.thrownTimes.get() >= 1);
            if (fault.passesTheDispatcher(injected)) {
                assertSame(injected, thrown);
            } else {
                assertNull(thrown);
            }
            assertFalse(heldAfter.get());
            registration.close();
            assertFree(free);
        } finally {
            busy.unlock();
        }
        assertFree(busy);
    }

    static Stream<Arguments> abandonments() {
        return matrix(List.of("timedTryLock", "tryLockAll"));
    }

    static Stream<Arguments> checkerModes() {
        return matrix(List.of("WARN", "THROW"));
    }

    @ParameterizedTest(name = "{0} mode on {1}, lockOrderViolation throws {2}")
    @MethodSource("checkerModes")
    void aListenerThrowingFromLockOrderViolationLeavesTheRefusedLockFree(String mode, Kind kind, Fault fault)
            throws Exception {
        OrderedLock a = new OrderedLock("a");
        OrderedLock b = new OrderedLock("b");
        LockOrderChecker.setMode(LockOrderChecker.Mode.valueOf(mode));
        try {
            assertNull(onThread(kind, () -> {
                a.lock();
                b.lock(); // records a -> b
                b.unlock();
                a.unlock();
            }));
            Throwable injected = fault.make();
            Throwing listener = register("lockOrderViolation", injected);
            AtomicReference<Boolean> aHeldAfter = new AtomicReference<>();
            Throwable thrown = onThread(kind, () -> {
                b.lock();
                try {
                    a.lock(); // b -> a closes the cycle
                    a.unlock();
                } finally {
                    aHeldAfter.set(a.isHeldByCurrentThread());
                    b.unlock();
                }
            });
            assertEquals(1, listener.thrownTimes.get(), "the violation was reported once");
            if (fault.passesTheDispatcher(injected)) {
                assertSame(injected, thrown, "the listener's error reaches the caller, before anything was taken");
            } else if (mode.equals("THROW")) {
                assertInstanceOf(PotentialDeadlockException.class, thrown);
            } else {
                assertNull(thrown);
            }
            assertFalse(aHeldAfter.get());
            registration.close();
            assertFree(a, b);
        } finally {
            LockOrderChecker.setMode(LockOrderChecker.Mode.OFF);
            LockOrderChecker.reset();
        }
    }

    // ------------------------------------------------------------------ executor: every event

    static Stream<Arguments> executorEvents() {
        return matrix(List.of("executorCreated", "executorSubmitted", "executorStarted", "executorFinished",
                "executorRejected"));
    }

    @ParameterizedTest(name = "{0} throws {2}, tasks on {1}")
    @MethodSource("executorEvents")
    void aListenerThrowingFromAnExecutorEventLeavesCountsBalancedAndPermitsFree(String event, Kind kind, Fault fault)
            throws Exception {
        Throwable injected = fault.make();
        boolean passes = fault.passesTheDispatcher(injected);
        Throwing listener = register(event, injected);
        if (event.equals("executorCreated")) {
            Throwable thrown = onThread(kind, () -> VirtualExecutor.builder().build().close());
            assertTrue(listener.thrownTimes.get() >= 1);
            assertSame(passes ? injected : null, thrown);
            registration.close();
            try (VirtualExecutor executor = VirtualExecutor.builder().build()) {
                assertEquals(1, executor.submit(() -> 1).get());
            }
            return;
        }
        VirtualExecutor executor = VirtualExecutor.builder().name("faults").threadFactory(kind.factory)
                .limit(1, LimitPolicy.reject()).build();
        AtomicInteger ran = new AtomicInteger();
        AtomicReference<CompletableFuture<Integer>> future = new AtomicReference<>();
        CountDownLatch release = new CountDownLatch(1);
        Throwable thrown;
        try {
            if (event.equals("executorRejected")) {
                CompletableFuture<Object> occupying = executor.submit(() -> {
                    release.await();
                    return null;
                });
                thrown = onThread(kind, () -> executor.submit(ran::incrementAndGet));
                release.countDown();
                occupying.get(10, TimeUnit.SECONDS);
                assertEquals(1, executor.rejected());
                if (passes) {
                    assertSame(injected, thrown, "the listener's error, after the rejection was counted");
                } else {
                    assertInstanceOf(TaskRejectedException.class, thrown);
                }
            } else {
                thrown = onThread(kind, () -> future.set(executor.submit(ran::incrementAndGet)));
                assertSame(passes && event.equals("executorSubmitted") ? injected : null, thrown,
                        "only the submitted event is reported on the submitter's thread");
            }
        } finally {
            executor.close();
        }
        assertTrue(listener.thrownTimes.get() >= 1, "the fault was injected");
        CompletableFuture<Integer> submitted = future.get();
        if (submitted != null) {
            assertTrue(submitted.isDone(), "no future is left incomplete");
            if (passes && event.equals("executorStarted")) {
                ExecutionException failed = assertThrows(ExecutionException.class, submitted::get);
                assertSame(injected, failed.getCause());
                assertEquals(0, ran.get(), "a task whose start could not be reported does not run");
                assertEquals(1, executor.failed());
            } else {
                assertEquals(1, submitted.get());
            }
        } else if (event.equals("executorSubmitted")) {
            assertEquals(1, ran.get(), "a task accepted before its report failed still runs, once");
        }
        assertEquals(executor.submitted(), executor.completed() + executor.failed(), executor::toString);
        registration.close();
        try (VirtualExecutor again = VirtualExecutor.builder().threadFactory(kind.factory)
                .limit(1, LimitPolicy.reject()).build()) {
            assertEquals(2, again.submit(() -> 2).get(), "the executor works afterwards");
        }
    }

    @ParameterizedTest(name = "{0} is a fault of kind {2}, on {1}")
    @MethodSource("executorCallbacks")
    void aPropagatorOrFactoryThatThrowsIsCountedAndLeavesThePermitFree(String where, Kind kind, Fault fault)
            throws Exception {
        Throwable injected = fault.make();
        AtomicInteger calls = new AtomicInteger();
        VirtualExecutor.Builder builder = VirtualExecutor.builder().limit(1, LimitPolicy.reject());
        ThreadFactory factory = runnable -> {
            if (where.equals("factory") && calls.getAndIncrement() == 0) {
                throw sneaky(injected);
            }
            return kind.factory.newThread(runnable);
        };
        builder.threadFactory(factory);
        builder.context(ContextPropagation.none().with(() -> {
            if (where.equals("capture") && calls.getAndIncrement() == 0) {
                throw sneaky(injected);
            }
            if (where.equals("runWith") && calls.getAndIncrement() == 0) {
                return body -> {
                    throw sneaky(injected);
                };
            }
            return ContextSnapshot.EMPTY;
        }));
        VirtualExecutor executor = builder.build();
        AtomicInteger ran = new AtomicInteger();
        try (executor) {
            Throwable first = onThread(kind, () -> executor.submit(ran::incrementAndGet).get(10, TimeUnit.SECONDS));
            switch (where) {
                case "capture" -> {
                    assertSame(injected, first, "capture's throwable reaches the submitter");
                    assertEquals(1, executor.rejected());
                }
                case "factory" -> {
                    TaskRejectedException refused = assertInstanceOf(TaskRejectedException.class, first);
                    assertEquals(TaskRejectedException.Reason.NO_THREAD, refused.reason());
                    assertSame(injected, refused.getCause());
                    assertEquals(1, executor.rejected());
                }
                default -> {
                    ExecutionException failed = assertInstanceOf(ExecutionException.class, first);
                    assertSame(injected, failed.getCause(), "the snapshot's failure fails the task");
                }
            }
            assertEquals(0, ran.get());
            // the future completes before the task's thread gives its permit back and counts it
            await().until(() -> executor.submitted() == executor.completed() + executor.failed());
            assertEquals(1, executor.submit(ran::incrementAndGet).get(), "the permit is free, the executor works");
        }
        assertEquals(executor.submitted(), executor.completed() + executor.failed(), executor::toString);
        assertEquals(where.equals("runWith") ? 1 : 0, executor.failed());
    }

    static Stream<Arguments> executorCallbacks() {
        return matrix(List.of("capture", "runWith", "factory"));
    }

    // ------------------------------------------------------------------ the deadlock watchdog's factory

    @ParameterizedTest(name = "watchdog factory throws {2} ({1})")
    @MethodSource("watchdogFactories")
    void aWatchdogFactoryThatThrowsStartsNothing(String call, Kind kind, Fault fault) throws Exception {
        Throwable injected = fault.make();
        Throwable thrown = assertThrows(Throwable.class,
                () -> DeadlockWatchdog.start(Duration.ofSeconds(1), runnable -> {
                    throw sneaky(injected);
                }));
        assertSame(injected, thrown);
        try (DeadlockWatchdog watchdog = DeadlockWatchdog.start(Duration.ofSeconds(1), kind.factory)) {
            assertTrue(watchdog.thread().isAlive(), "a later watchdog starts");
        }
    }

    static Stream<Arguments> watchdogFactories() {
        return matrix(List.of("newThread"));
    }
}
