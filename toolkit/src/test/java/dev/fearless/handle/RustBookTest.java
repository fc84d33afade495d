package dev.fearless.handle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.testing.ThreadKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The programs of chapter 16 of "The Rust Programming Language" (Fearless Concurrency), written
 * with Fearless; what rustc rejects at compile time is rejected here at run time.
 */
@Timeout(60)
class RustBookTest {

    /**
     * Listing 16-15: ten threads increment a counter held in an {@code Arc<Mutex<i32>>}; the result
     * is 10. Rust's {@code *num += 1} written literally, {@code n -> n += 1}, counts.
     */
    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void tenThreadsIncrementASharedCounter(ThreadKind kind) throws InterruptedException {
        Shared<Integer> counter = Shared.of("counter", 0);
        Queue<Throwable> failures = ThreadKind.failures();
        List<Thread> handles = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            handles.add(kind.start(failures, () -> counter.update(n -> n += 1)));
        }
        ThreadKind.joinAll(failures, handles);
        assertEquals(10, (int) counter.read(n -> n));
    }

    /** Listing 16-15 with the guard, as Rust writes it: {@code let mut num = counter.lock().unwrap(); *num += 1;}. */
    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void tenThreadsIncrementASharedCounterThroughTheGuard(ThreadKind kind) throws InterruptedException {
        Shared<Integer> counter = Shared.of("counter", 0);
        Queue<Throwable> failures = ThreadKind.failures();
        List<Thread> handles = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            handles.add(kind.start(failures, () -> {
                try (WriteGuard<Integer> num = counter.lock()) {
                    num.set(num.get() + 1);
                }
            }));
        }
        ThreadKind.joinAll(failures, handles);
        assertEquals(10, (int) counter.read(n -> n));
    }

    /**
     * Listings 16-3 to 16-5: a vector moved into a spawned thread and then used by the main
     * thread ({@code drop(v)}); rustc says "value used here after move". Here the use throws and
     * names the move.
     */
    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aValueMovedIntoAThreadCannotBeUsedAfterwards(ThreadKind kind) throws InterruptedException {
        Owned<List<Integer>> v = Owned.of("v", List.of(1, 2, 3));
        Owned.Moved<List<Integer>> moved = v.move();
        Queue<Throwable> failures = ThreadKind.failures();
        List<String> printed = new ArrayList<>();
        Thread handle = kind.start(failures, () -> printed.add("Here's a vector: " + moved.receive().get()));
        MovedException afterMove = assertThrows(MovedException.class, v::get);
        assertTrue(afterMove.getMessage().contains("after its value was moved out"), afterMove.getMessage());
        ThreadKind.joinAll(failures, List.of(handle));
        assertEquals(List.of("Here's a vector: [1, 2, 3]"), printed);
    }

    /** Listing 16-14: {@code Rc<T>} cannot be sent between threads; a Confined value used from another thread throws. */
    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aConfinedValueCannotBeSentToAnotherThread(ThreadKind kind) throws InterruptedException {
        Confined<Integer> counter = Confined.of("rc", 5);
        assertInstanceOf(WrongThreadException.class, kind.runAndCatch(counter::borrowMut));
        try (Guard<Integer> guard = counter.borrow()) {
            assertEquals(5, (int) guard.get());
        }
    }
}
