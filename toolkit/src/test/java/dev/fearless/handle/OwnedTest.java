package dev.fearless.handle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.internal.Threads;
import dev.fearless.scope.Scope;
import dev.fearless.scope.Task;
import dev.fearless.testing.ThreadKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Behaviour 4: Owned: one owner at a time; a move kills the old handle. */
@Timeout(60)
class OwnedTest {

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void onlyTheOwnerMayUseTheHandle(ThreadKind kind) throws InterruptedException {
        Owned<StringBuilder> owned = Owned.of("text", new StringBuilder("a"));
        owned.get().append('b');
        owned.set(new StringBuilder("c"));
        assertSame(Thread.currentThread(), owned.owner());
        Throwable get = kind.runAndCatch(owned::get);
        assertInstanceOf(WrongThreadException.class, get);
        assertTrue(get.getMessage().contains("Owned 'text'") && get.getMessage().contains(Thread.currentThread().getName()),
                get.getMessage());
        assertInstanceOf(WrongThreadException.class, kind.runAndCatch(owned::move));
        assertFalse(owned.isMoved());
        assertEquals("c", owned.get().toString());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aMovedValueBelongsToItsReceiverAndTheOldHandleSaysWhereItWent(ThreadKind kind) throws Exception {
        Owned<List<Integer>> v = Owned.of("v", new ArrayList<>(List.of(1, 2, 3)));
        List<Integer> original = v.get();
        Owned.Moved<List<Integer>> moved = v.move();
        assertTrue(v.isMoved());

        MovedException beforeReceipt = assertThrows(MovedException.class, v::get);
        assertTrue(beforeReceipt.getMessage().contains("not received yet"), beforeReceipt.getMessage());
        assertTrue(beforeReceipt.getCause().getMessage().contains("moved out of Owned 'v' by thread \""
                + Thread.currentThread().getName()), beforeReceipt.getCause().getMessage());
        assertTrue(stackMentions(beforeReceipt.getCause(), "aMovedValueBelongsToItsReceiver"));

        AtomicReference<Owned<List<Integer>>> received = new AtomicReference<>();
        AtomicReference<Thread> receiver = new AtomicReference<>();
        Queue<Throwable> failures = ThreadKind.failures();
        Thread thread = kind.start(failures, () -> {
            Owned<List<Integer>> mine = moved.receive();
            mine.get().add(4);
            received.set(mine);
            receiver.set(Thread.currentThread());
        });
        ThreadKind.joinAll(failures, List.of(thread));

        assertSame(original, received.get().owner() == receiver.get() ? original : null);
        assertEquals(List.of(1, 2, 3, 4), original);
        assertTrue(moved.isReceived());
        MovedException afterReceipt = assertThrows(MovedException.class, () -> v.set(List.of()));
        assertTrue(afterReceipt.getMessage().contains("received by " + Threads.describe(receiver.get())),
                afterReceipt.getMessage());
        assertThrows(MovedException.class, v::move);
        MovedException twice = assertThrows(MovedException.class, moved::receive);
        assertTrue(twice.getMessage().contains("already received"), twice.getMessage());
        assertInstanceOf(WrongThreadException.class, assertThrows(WrongThreadException.class, received.get()::get));
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void moveIntoHandsTheValueToAScopeTask(ThreadKind kind) throws Exception {
        Owned<List<String>> batch = Owned.of("batch", new ArrayList<>(List.of("a", "b")));
        AtomicReference<Thread> taskOwner = new AtomicReference<>();
        try (Scope<Object, Void> scope = Scope.builder().threadFactory(kind.factory()).open()) {
            Task<Integer> size = scope.fork(batch.moveInto(mine -> {
                taskOwner.set(mine.owner());
                mine.get().add("c");
                return mine.get().size();
            }));
            assertThrows(MovedException.class, batch::get); // dead as soon as moveInto returns
            scope.join();
            assertEquals(3, size.get());
        }
        assertNotSame(Thread.currentThread(), taskOwner.get());

        Owned<String> once = Owned.of("x");
        Callable<String> task = once.moveInto(Owned::get);
        assertEquals("x", task.call());
        assertThrows(MovedException.class, task::call);
        assertThrows(NullPointerException.class, () -> Owned.of(1).moveInto(null));
    }

    @Test
    void nullValuesMoveToo() {
        Owned<String> none = Owned.of(null);
        assertEquals(null, none.move().receive().get());
        assertTrue(none.toString().contains("moved"));
    }

    static boolean stackMentions(Throwable site, String method) {
        for (StackTraceElement frame : site.getStackTrace()) {
            if (frame.getMethodName().contains(method)) {
                return true;
            }
        }
        return false;
    }
}
