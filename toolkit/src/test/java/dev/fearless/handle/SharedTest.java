package dev.fearless.handle;

import static dev.fearless.testing.ThreadKind.awaitUninterruptibly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.lock.LockOrderChecker;
import dev.fearless.lock.LockOrderException;
import dev.fearless.lock.PotentialDeadlockException;
import dev.fearless.telemetry.Telemetry;
import dev.fearless.testing.RecordingListener;
import dev.fearless.testing.ThreadKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Behaviours 1 and 2: Shared (Arc&lt;Mutex&lt;T&gt;&gt;), its guards, poisoning and multi-handle updates. */
@Timeout(60)
class SharedTest {

    @AfterEach
    void restoreChecker() {
        LockOrderChecker.setMode(LockOrderChecker.Mode.OFF);
        LockOrderChecker.reset();
    }

    static boolean unlocked(Shared<?> shared) {
        return shared.toString().contains("unlocked");
    }

    // ------------------------------------------------------------------ closures and guards

    @Test
    void closuresReadUpdateInPlaceAndReplace() {
        Shared<List<String>> names = Shared.of("names", new ArrayList<>());
        names.mutate(list -> list.add("ada"));
        names.mutate(list -> list.add("grace"));
        assertEquals(2, (int) names.read(List::size));

        Shared<Integer> counter = Shared.of(0);
        assertEquals(1, (int) counter.update(n -> n + 1));
        assertEquals(2, (int) counter.update(n -> n + 1));
        assertEquals(2, (int) counter.read(n -> n));
        assertTrue(unlocked(counter));
        assertEquals("names", names.name());
        assertEquals(Telemetry.DEFAULT_NAME, counter.name());
    }

    @Test
    void aGuardReadsAndReplacesTheValueUntilClosedAndIsDeadAfterwards() {
        Shared<Integer> counter = Shared.of("counter", 1);
        WriteGuard<Integer> guard = counter.lock();
        try (guard) {
            guard.set(guard.get() + 41);
            assertFalse(unlocked(counter));
        }
        assertTrue(unlocked(counter));
        assertEquals(42, (int) counter.read(n -> n));

        GuardClosedException afterClose = assertThrows(GuardClosedException.class, guard::get);
        assertTrue(afterClose.getMessage().contains("Shared 'counter'"), afterClose.getMessage());
        assertThrows(GuardClosedException.class, () -> guard.set(0));
        guard.close(); // a second close does nothing
        assertEquals(42, (int) counter.read(n -> n));
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aGuardCannotBeUsedOrClosedFromAnotherThread(ThreadKind kind) throws InterruptedException {
        Shared<Integer> counter = Shared.of(7);
        try (WriteGuard<Integer> guard = counter.lock()) {
            Throwable get = kind.runAndCatch(guard::get);
            Throwable close = kind.runAndCatch(guard::close);
            assertInstanceOf(WrongThreadException.class, get);
            assertInstanceOf(WrongThreadException.class, close);
            assertTrue(close.getMessage().contains(Thread.currentThread().getName()), close.getMessage());
            assertEquals(7, guard.get()); // still open and usable by its owner
        }
        assertTrue(unlocked(counter));
    }

    @Test
    void lockingAgainOnTheSameThreadThrowsInsteadOfAliasing() {
        Shared<Integer> counter = Shared.of("counter", 0);
        try (WriteGuard<Integer> guard = counter.lock()) {
            BorrowException again = assertThrows(BorrowException.class, counter::lock);
            assertTrue(again.getMessage().contains("Shared 'counter'"), again.getMessage());
            assertThrows(BorrowException.class, () -> counter.read(n -> n));
            assertThrows(BorrowException.class, () -> counter.tryLock(Duration.ZERO));
            guard.set(1);
        }
        assertTrue(unlocked(counter));
        assertFalse(counter.isPoisoned());
        assertEquals(1, (int) counter.read(n -> n));
    }

    // ------------------------------------------------------------------ timed and interruptible

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void tryLockTimesOutWhileAnotherThreadHoldsTheValue(ThreadKind kind) throws Exception {
        Shared<Integer> counter = Shared.of(0);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Queue<Throwable> failures = ThreadKind.failures();
        Thread holder = kind.start(failures, () -> counter.update(n -> {
            held.countDown();
            awaitUninterruptibly(release);
            return n;
        }));
        held.await();
        assertEquals(Optional.empty(), counter.tryLock(Duration.ZERO));
        assertEquals(Optional.empty(), counter.tryLock(Duration.ofMillis(20)));
        release.countDown();
        ThreadKind.joinAll(failures, List.of(holder));
        Optional<LockGuard<Integer>> guard = counter.tryLock(Duration.ofSeconds(10));
        assertTrue(guard.isPresent());
        guard.get().close();
        assertThrows(IllegalArgumentException.class, () -> counter.tryLock(Duration.ofMillis(-1)));
        assertThrows(NullPointerException.class, () -> counter.tryLock(null));
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void anInterruptedWaiterGivesUpWithoutHoldingTheLock(ThreadKind kind) throws Exception {
        Shared<Integer> counter = Shared.of(0);
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread waiter;
        try (WriteGuard<Integer> guard = counter.lock()) {
            Queue<Throwable> failures = ThreadKind.failures();
            waiter = kind.start(failures, () -> {
                try (WriteGuard<Integer> mine = counter.lockInterruptibly()) {
                    mine.set(-1);
                } catch (InterruptedException e) {
                    outcome.set(e);
                }
            });
            org.awaitility.Awaitility.await().until(() -> waiter.getState() == Thread.State.WAITING);
            waiter.interrupt();
            ThreadKind.joinAll(failures, List.of(waiter));
            guard.set(5);
        }
        assertInstanceOf(InterruptedException.class, outcome.get());
        assertEquals(5, (int) counter.read(n -> n));
        assertTrue(unlocked(counter));

        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, counter::lockInterruptibly); // pending interrupt: throws at once
        assertTrue(unlocked(counter));
    }

    // ------------------------------------------------------------------ poisoning

    @Test
    void aFailedUpdatePoisonsTheValueUntilRecoveredAndCleared() {
        RecordingListener listener = new RecordingListener();
        Shared<List<Integer>> ledger = Shared.of("ledger", new ArrayList<>(List.of(1, 2)));
        IllegalStateException failure = new IllegalStateException("half way");
        try (Telemetry.Registration _ = listener.register()) {
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> ledger.mutate(list -> {
                list.add(3);
                throw failure;
            }));
            assertSame(failure, thrown); // the original is rethrown unchanged
        }
        assertTrue(ledger.isPoisoned());
        assertTrue(listener.events.contains("poisoned ledger"), listener.events.toString());
        assertTrue(unlocked(ledger));

        PoisonedException onRead = assertThrows(PoisonedException.class, () -> ledger.read(List::size));
        assertSame(failure, onRead.getCause());
        assertTrue(onRead.getMessage().contains("Shared 'ledger'"), onRead.getMessage());
        assertThrows(PoisonedException.class, ledger::lock);
        assertThrows(PoisonedException.class, () -> ledger.tryLock(Duration.ZERO));
        assertThrows(PoisonedException.class, () -> ledger.update(list -> list));
        assertTrue(unlocked(ledger)); // a PoisonedException never leaves the lock held

        PoisonedException poisoned = assertThrows(PoisonedException.class, ledger::lock);
        try (WriteGuard<List<Integer>> guard = poisoned.into()) { // the value is still handed out
            assertEquals(List.of(1, 2, 3), guard.get());
            guard.get().removeLast(); // repair
            poisoned.clearPoison();
        }
        assertFalse(ledger.isPoisoned());
        assertEquals(2, (int) ledger.read(List::size));
    }

    @Test
    void clearPoisonOnTheHandleAndAFailedReplaceKeepsTheOldValue() {
        Shared<Integer> counter = Shared.of(1);
        assertThrows(ArithmeticException.class, () -> counter.update(n -> n / (n - n)));
        assertTrue(counter.isPoisoned());
        counter.clearPoison();
        assertEquals(1, (int) counter.read(n -> n));
    }

    @Test
    void aNonPoisoningHandleRethrowsAndStaysUsable() {
        Shared<Integer> counter = Shared.builder().name("lenient").lockClass("Counter").poisoning(false).build(1);
        assertThrows(ArithmeticException.class, () -> counter.update(n -> n / (n - n)));
        assertThrows(IllegalStateException.class, () -> counter.update(n -> {
            throw new IllegalStateException();
        }));
        assertFalse(counter.isPoisoned());
        assertEquals(2, (int) counter.update(n -> n + 1));
        assertEquals("lenient", counter.name());
    }

    // ------------------------------------------------------------------ several handles

    static final class Account {
        long balance;

        Account(long balance) {
            this.balance = balance;
        }
    }

    @Test
    void aPairIsUpdatedTogetherAndTheSameHandleTwiceIsRefused() {
        Shared<Account> from = Shared.of("from", new Account(100));
        Shared<Account> to = Shared.of("to", new Account(0));
        Shared.mutate(from, to, (a, b) -> {
            a.balance -= 30;
            b.balance += 30;
        });
        Shared.mutate(to, from, (a, b) -> {
            a.balance -= 10;
            b.balance += 10;
        });
        assertEquals(80, (long) from.read(a -> a.balance));
        assertEquals(20, (long) to.read(a -> a.balance));
        IllegalArgumentException same = assertThrows(IllegalArgumentException.class,
                () -> Shared.mutate(from, from, (a, b) -> {}));
        assertTrue(same.getMessage().contains("Shared 'from'"), same.getMessage());
        assertThrows(NullPointerException.class, () -> Shared.mutate(from, null, (a, b) -> {}));
        assertTrue(unlocked(from) && unlocked(to));
    }

    @Test
    void aFailedPairUpdatePoisonsBothAndAPoisonedMemberRefusesTheSet() {
        Shared<Account> a = Shared.of("a", new Account(1));
        Shared<Account> b = Shared.of("b", new Account(2));
        Shared<Account> c = Shared.of("c", new Account(3));
        assertThrows(IllegalStateException.class, () -> Shared.mutate(a, b, (x, y) -> {
            throw new IllegalStateException("boom");
        }));
        assertTrue(a.isPoisoned() && b.isPoisoned());
        assertThrows(PoisonedException.class, () -> Shared.mutate(c, a, (x, y) -> {}));
        assertThrows(PoisonedException.class, () -> Shared.mutateAll(List.of(c, b), values -> {}));
        assertFalse(c.isPoisoned());
        assertTrue(unlocked(a) && unlocked(b) && unlocked(c));
    }

    @Test
    void updateAllHandsOutALiveListThatReplacesValuesAndDiesAfterwards() {
        List<Shared<Integer>> handles = List.of(Shared.of(1), Shared.of(2), Shared.of(3));
        AtomicReference<List<Integer>> escaped = new AtomicReference<>();
        int sum = Shared.updateAll(handles, values -> {
            int total = values.stream().mapToInt(Integer::intValue).sum();
            values.replaceAll(v -> total);
            escaped.set(values);
            return total;
        });
        assertEquals(6, sum);
        for (Shared<Integer> handle : handles) {
            assertEquals(6, (int) handle.read(n -> n));
        }
        assertThrows(GuardClosedException.class, () -> escaped.get().get(0));
        assertThrows(GuardClosedException.class, () -> escaped.get().size());

        IllegalArgumentException duplicate = assertThrows(IllegalArgumentException.class,
                () -> Shared.updateAll(List.of(handles.get(0), handles.get(1), handles.get(0)), List::size));
        assertTrue(duplicate.getMessage().contains("handles[0] and handles[2]"), duplicate.getMessage());
        assertThrows(NullPointerException.class,
                () -> Shared.updateAll(Arrays.asList(handles.get(0), null), List::size));
        boolean empty = Shared.updateAll(List.<Shared<Integer>>of(), List::isEmpty);
        assertTrue(empty);
    }

    @Test
    void handleLocksReportLockTelemetryUnderTheHandleName() {
        RecordingListener listener = new RecordingListener();
        Shared<Integer> counter = Shared.of("orders-counter", 0);
        SharedRw<Integer> config = SharedRw.of("config", 0);
        try (Telemetry.Registration _ = listener.register()) {
            counter.update(n -> n + 1);
            config.read(n -> n);
        }
        assertTrue(listener.events.contains("acquired orders-counter"), listener.events.toString());
        assertTrue(listener.events.contains("acquired config"), listener.events.toString());
    }

    // ------------------------------------------------------------------ the lock-order checker

    @Test
    void nestedAccessInOppositeOrdersIsReportedByTheCheckerWithoutPoisoningWhilePairUpdatesAreNot() {
        LockOrderChecker.setMode(LockOrderChecker.Mode.THROW);
        Shared<Integer> a = Shared.of("a", 0);
        Shared<Integer> b = Shared.of("b", 0);
        Shared.update(a, b, (x, y) -> x.get());     // sets never create orderings among their members
        Shared.update(b, a, (x, y) -> x.get());
        a.update(x -> b.update(y -> y + 1));        // records a -> b
        LockOrderException inversion = assertThrows(LockOrderException.class,
                () -> b.update(y -> a.update(x -> x + 1)));
        assertInstanceOf(PotentialDeadlockException.class, inversion);
        assertTrue(inversion.getMessage().contains("a#") && inversion.getMessage().contains("b#"),
                inversion.getMessage());
        assertFalse(b.isPoisoned()); // raised by the toolkit inside b's closure: does not poison b
        assertEquals(1, (int) b.read(n -> n));
        assertTrue(unlocked(a) && unlocked(b));
    }
}
