package dev.fearless.handle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 13, items 1 and 2: the closure forms say what they do (update replaces, mutate changes in
 * place and refuses values that cannot change), multi-handle forms return results and throw
 * checked exceptions, and only a bug poisons (a PotentialDeadlockException inside a closure: see
 * SharedTest's lock-order test).
 */
@Timeout(60)
class SharedClosureFormsTest {

    private static boolean unlocked(Shared<?> shared) {
        return SharedTest.unlocked(shared);
    }

    /** A checked exception a body declares: a business refusal. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    // ------------------------------------------------------------------ item 1: no silent no-op

    @Test
    void theLiteralTranslationOfRustsIncrementReplacesTheValue() {
        Shared<Integer> counter = Shared.of("counter", 0);
        assertEquals(1, (int) counter.update(n -> n += 1));   // Rust's *num += 1, written literally
        assertEquals(2, (int) counter.update(n -> n + 1));
        assertEquals(2, (int) counter.read(n -> n));

        SharedRw<String> greeting = SharedRw.of("greeting", "hello");
        assertEquals("hello, world", greeting.update(s -> s += ", world"));
        assertEquals("hello, world", greeting.read(s -> s));
    }

    @Test
    void theInPlaceFormRefusesAValueThatCannotChangeInPlaceInsteadOfDoingNothing() {
        Shared<Integer> counter = Shared.of("counter", 41);
        UnsupportedOperationException refused = assertThrows(UnsupportedOperationException.class,
                () -> counter.mutate(n -> n += 1));                // would silently change nothing
        assertTrue(refused.getMessage().contains("Shared 'counter'"), refused.getMessage());
        assertTrue(refused.getMessage().contains("java.lang.Integer"), refused.getMessage());
        assertTrue(refused.getMessage().contains("update("), refused.getMessage());
        assertEquals(41, (int) counter.read(n -> n));
        assertFalse(counter.isPoisoned());
        assertTrue(unlocked(counter));

        SharedRw<String> name = SharedRw.of("name", "ada");
        assertThrows(UnsupportedOperationException.class, () -> name.mutate(s -> s += "!"));
        assertFalse(name.isPoisoned());
        assertEquals("ada", name.read(s -> s));
        SharedRw<Object> nothing = SharedRw.of(null);
        assertThrows(UnsupportedOperationException.class, () -> nothing.mutate(o -> {}));
        Shared<TimeUnit> unit = Shared.of(TimeUnit.SECONDS);
        assertThrows(UnsupportedOperationException.class, () -> unit.mutate(u -> {}));

        Shared<List<String>> names = Shared.of(new ArrayList<>());
        names.mutate(list -> list.add("ada"));                   // a mutable value changes in place
        assertEquals(List.of("ada"), names.read(List::copyOf));
    }

    @Test
    void theMultiHandleInPlaceFormsRefuseImmutableValuesAndTheReplacingFormsReplaceThem() {
        Shared<Long> from = Shared.of("from", 100L);
        Shared<Long> to = Shared.of("to", 0L);
        UnsupportedOperationException pair = assertThrows(UnsupportedOperationException.class,
                () -> Shared.mutate(from, to, (a, b) -> {
                    a -= 10;                                     // reassigns the parameter only
                    b += 10;
                }));
        assertTrue(pair.getMessage().contains("Shared 'from'"), pair.getMessage());
        assertThrows(UnsupportedOperationException.class,
                () -> Shared.mutateAll(List.of(from, to), values -> {}));
        assertFalse(from.isPoisoned() || to.isPoisoned());
        assertTrue(unlocked(from) && unlocked(to));

        long left = Shared.update(from, to, (a, b) -> {
            a.set(a.get() - 10);
            b.set(b.get() + 10);
            return a.get();
        });
        assertEquals(90, left);
        assertEquals(10, (long) to.read(n -> n));

        Shared<BigDecimal> x = Shared.of(BigDecimal.ONE);
        Shared<BigDecimal> y = Shared.of(BigDecimal.TEN);
        BigDecimal total = Shared.updateAll(List.of(x, y), values -> {
            values.replaceAll(v -> v.add(BigDecimal.ONE));
            return values.get(0).add(values.get(1));
        });
        assertEquals(new BigDecimal(13), total);
        assertEquals(new BigDecimal(11), y.read(v -> v));
    }

    @Test
    void thePairGuardsAndTheMutateAllListAreDeadOutsideTheirBody() {
        Shared<Integer> a = Shared.of("a", 1);
        Shared<Integer> b = Shared.of("b", 2);
        WriteGuard<Integer> escaped = Shared.update(a, b, (x, y) -> x);
        assertThrows(GuardClosedException.class, escaped::get);
        assertThrows(GuardClosedException.class, () -> escaped.set(5));
        assertEquals(1, (int) a.read(n -> n));

        Shared<int[]> c = Shared.of(new int[1]);
        Shared<int[]> d = Shared.of(new int[1]);
        List<List<int[]>> kept = new ArrayList<>();
        Shared.mutateAll(List.of(c, d), values -> {
            values.forEach(box -> box[0]++);
            assertThrows(UnsupportedOperationException.class, () -> values.set(0, new int[1]));
            kept.add(values);
        });
        assertThrows(GuardClosedException.class, () -> kept.getFirst().get(0));
        assertEquals(1, (int) c.read(box -> box[0]));
        assertEquals(1, (int) d.read(box -> box[0]));
    }

    // ------------------------------------------------------------------ item 2: results and checked exceptions

    @Test
    void aCheckedExceptionFromAPairBodyIsRethrownAndPoisonsNothing() {
        Shared<Long> from = Shared.of("from", 5L);
        Shared<Long> to = Shared.of("to", 0L);
        Refused refused = assertThrows(Refused.class, () -> Shared.update(from, to, (a, b) -> {
            if (a.get() < 10) {
                throw new Refused("insufficient funds: " + a.get());
            }
            a.set(a.get() - 10);
            b.set(b.get() + 10);
            return a.get();
        }));
        assertEquals("insufficient funds: 5", refused.getMessage());
        assertFalse(from.isPoisoned() || to.isPoisoned());
        assertTrue(unlocked(from) && unlocked(to));
        assertEquals(5, (long) from.read(n -> n));

        Shared<int[]> x = Shared.of(new int[1]);
        Shared<int[]> y = Shared.of(new int[1]);
        IOException io = new IOException("journal full");
        assertSame(io, assertThrows(IOException.class, () -> Shared.mutate(x, y, (a, b) -> {
            throw io;
        })));
        assertSame(io, assertThrows(IOException.class, () -> Shared.mutateAll(List.of(x, y), values -> {
            throw io;
        })));
        assertSame(io, assertThrows(IOException.class, () -> Shared.updateAll(List.of(x, y), values -> {
            throw io;
        })));
        assertFalse(x.isPoisoned() || y.isPoisoned());
    }

    @Test
    void aBodyThatThrowsNoCheckedExceptionNeedsNoCatch() {
        Shared<Integer> a = Shared.of(1);
        Shared<Integer> b = Shared.of(2);
        // No throws clause on this method: E is inferred as RuntimeException.
        int sum = Shared.update(a, b, (x, y) -> x.get() + y.get());
        int max = Shared.updateAll(List.of(a, b), values -> values.stream().mapToInt(v -> v).max().orElseThrow());
        assertEquals(3, sum);
        assertEquals(2, max);
    }

    @Test
    void anUncheckedExceptionOrAnErrorPoisonsEveryHandleInvolved() {
        Shared<Integer> a = Shared.of("a", 1);
        Shared<Integer> b = Shared.of("b", 2);
        IllegalStateException bug = new IllegalStateException("half way");
        assertSame(bug, assertThrows(IllegalStateException.class, () -> Shared.update(a, b, (x, y) -> {
            x.set(0);
            throw bug;
        })));
        assertTrue(a.isPoisoned() && b.isPoisoned());
        PoisonedException poisoned = assertThrows(PoisonedException.class, () -> a.read(n -> n));
        assertSame(bug, poisoned.getCause());
        a.clearPoison();
        b.clearPoison();

        Shared<Integer> c = Shared.of("c", 3);
        assertThrows(AssertionError.class, () -> c.update(n -> {
            throw new AssertionError("invariant broken");
        }));
        assertTrue(c.isPoisoned());
        assertThrows(IndexOutOfBoundsException.class, () -> Shared.updateAll(List.of(a, b), values -> values.get(5)));
        assertTrue(a.isPoisoned() && b.isPoisoned());
    }

    @Test
    void aReentryBorrowExceptionInsideAClosureDoesNotPoisonTheOuterHandle() {
        Shared<Integer> counter = Shared.of("counter", 1);
        BorrowException reentry = assertThrows(BorrowException.class,
                () -> counter.update(n -> counter.read(m -> m + n)));
        assertTrue(reentry.getMessage().contains("Shared 'counter'"), reentry.getMessage());
        assertFalse(counter.isPoisoned());
        assertEquals(1, (int) counter.read(n -> n));

        Shared<Integer> a = Shared.of("a", 1);
        Shared<Integer> b = Shared.of("b", 2);
        assertThrows(BorrowException.class, () -> Shared.update(a, b, (x, y) -> b.lock()));
        assertFalse(a.isPoisoned() || b.isPoisoned());

        SharedRw<List<Integer>> list = SharedRw.of("list", new ArrayList<>());
        assertThrows(BorrowException.class, () -> list.mutate(l -> list.read(List::size)));
        assertFalse(list.isPoisoned());
        assertTrue(unlocked(counter) && unlocked(a) && unlocked(b));
    }

    @Test
    void aPoisonedExceptionOfAnotherHandleInsideAClosureDoesNotPoisonTheOuterHandle() {
        Shared<Integer> broken = Shared.of("broken", 0);
        assertThrows(IllegalStateException.class, () -> broken.update(n -> {
            throw new IllegalStateException();
        }));
        Shared<Integer> outer = Shared.of("outer", 1);
        assertThrows(PoisonedException.class, () -> outer.update(n -> broken.read(m -> m + n)));
        assertFalse(outer.isPoisoned());
        assertTrue(broken.isPoisoned());
    }
}
