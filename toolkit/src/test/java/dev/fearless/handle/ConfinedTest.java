package dev.fearless.handle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.testing.ThreadKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Behaviour 5: Confined (RefCell): one thread; many shared borrows or one mutable borrow. */
@Timeout(60)
class ConfinedTest {

    private final boolean recordedSites = Diagnostics.recordsBorrowSites();

    @BeforeEach
    void recordSites() {
        Diagnostics.setRecordBorrowSites(true);
    }

    @AfterEach
    void restore() {
        Diagnostics.setRecordBorrowSites(recordedSites);
    }

    @Test
    void sharedBorrowsCoexistAndAMutableBorrowIsExclusive() {
        Confined<List<String>> log = Confined.of("log", new ArrayList<>());
        try (WriteGuard<List<String>> entries = log.borrowMut()) {
            entries.get().add("started");
            assertEquals(Optional.empty(), log.tryBorrow());
            assertEquals(Optional.empty(), log.tryBorrowMut());
        }
        try (Guard<List<String>> a = log.borrow(); Guard<List<String>> b = log.borrow()) {
            assertSame(a.get(), b.get());
            assertEquals(Optional.empty(), log.tryBorrowMut());
            Optional<Guard<List<String>>> c = log.tryBorrow();
            assertTrue(c.isPresent());
            c.get().close();
        }
        Optional<WriteGuard<List<String>>> mut = log.tryBorrowMut();
        assertTrue(mut.isPresent());
        try (WriteGuard<List<String>> guard = mut.get()) {
            guard.set(List.of("replaced"));
        }
        try (Guard<List<String>> guard = log.borrow()) {
            assertEquals(List.of("replaced"), guard.get());
        }
    }

    @Test
    void aConflictingBorrowSaysWhereTheOutstandingOneWasTaken() {
        Confined<Integer> cell = Confined.of("cell", 1);
        try (Guard<Integer> reading = outstandingSharedBorrow(cell)) {
            BorrowException conflict = assertThrows(BorrowException.class, cell::borrowMut);
            assertTrue(conflict.getMessage().contains("Confined 'cell'") && conflict.getMessage().contains("1 shared borrow"),
                    conflict.getMessage());
            assertTrue(conflict.getCause().getMessage().contains("shared borrow of Confined 'cell' taken"),
                    conflict.getCause().getMessage());
            assertTrue(OwnedTest.stackMentions(conflict.getCause(), "outstandingSharedBorrow"));
            assertEquals(1, (int) reading.get());
        }
        try (WriteGuard<Integer> writing = cell.borrowMut()) {
            BorrowException conflict = assertThrows(BorrowException.class, cell::borrow);
            assertTrue(conflict.getMessage().contains("already mutably borrowed"), conflict.getMessage());
            assertTrue(conflict.getCause().getMessage().contains("mutable borrow"), conflict.getCause().getMessage());
            assertThrows(BorrowException.class, cell::borrowMut);
            writing.set(2);
        }
    }

    private static Guard<Integer> outstandingSharedBorrow(Confined<Integer> cell) {
        return cell.borrow();
    }

    @Test
    void withoutBorrowSitesTheMessageSaysHowToGetThem() {
        Diagnostics.setRecordBorrowSites(false);
        Confined<Integer> cell = Confined.of(1);
        try (WriteGuard<Integer> _ = cell.borrowMut()) {
            BorrowException conflict = assertThrows(BorrowException.class, cell::borrow);
            assertNull(conflict.getCause());
            assertTrue(conflict.getMessage().contains(Diagnostics.BORROW_SITES_PROPERTY), conflict.getMessage());
        }
    }

    @Test
    void closingOutOfOrderReleasesEachBorrowOnce() {
        Confined<Integer> cell = Confined.of(1);
        Guard<Integer> first = cell.borrow();
        Guard<Integer> second = cell.borrow();
        first.close();
        first.close(); // idempotent: does not release the second borrow
        assertThrows(BorrowException.class, cell::borrowMut);
        assertThrows(GuardClosedException.class, first::get);
        second.close();
        cell.borrowMut().close();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void onlyTheOwnerThreadMayBorrow(ThreadKind kind) throws InterruptedException {
        Confined<Integer> cell = Confined.of("cell", 1);
        for (ThreadKind.Body misuse : List.<ThreadKind.Body>of(cell::borrow, cell::borrowMut, cell::tryBorrow, cell::tryBorrowMut)) {
            Throwable thrown = kind.runAndCatch(misuse);
            assertInstanceOf(WrongThreadException.class, thrown);
            assertTrue(thrown.getMessage().contains("Confined 'cell'"), thrown.getMessage());
        }
        try (Guard<Integer> guard = cell.borrow()) {
            assertInstanceOf(WrongThreadException.class, kind.runAndCatch(guard::get));
        }
        assertSame(Thread.currentThread(), cell.owner());
        cell.borrowMut().close(); // the foreign attempts left no borrow behind
    }
}
