package dev.fearless.handle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.Test;

/** API rule 3 in the handle package: an explicit name is neither null nor blank, for every handle. */
class HandleNamesTest {

    @Test
    void everyHandleRejectsANullOrBlankName() {
        List<Executable> blank = List.of(
                () -> Owned.of(" ", 1),
                () -> Confined.of("", 1),
                () -> Shared.of("\t", 1),
                () -> Shared.builder().name(" "),
                () -> Shared.builder().lockClass(" "),
                () -> SharedRw.of("  ", 1),
                () -> SharedRw.builder().name(""),
                () -> SharedRw.builder().lockClass(""));
        for (Executable call : blank) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
            assertTrue(e.getMessage().contains("must not be blank"), e.getMessage());
        }
        String none = null;
        assertEquals("name", assertThrows(NullPointerException.class, () -> Owned.of(none, 1)).getMessage());
        assertEquals("name", assertThrows(NullPointerException.class, () -> Confined.of(none, 1)).getMessage());
        assertEquals("name", assertThrows(NullPointerException.class, () -> Shared.of(none, 1)).getMessage());
        assertEquals("lockClass",
                assertThrows(NullPointerException.class, () -> SharedRw.builder().lockClass(none)).getMessage());
    }
}
