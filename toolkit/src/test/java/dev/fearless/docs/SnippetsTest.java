package dev.fearless.docs;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.testing.Snippets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The harness behind every docs test refuses what would let a broken or missing example pass. */
@Timeout(120)
public class SnippetsTest {

    /** A fixture whose NOT_RUN names an example that does not exist. */
    public abstract static class StaleFixture {
        public static final Map<String, String> NOT_RUN = Map.of("Gone.java: gone();", "it was deleted");
    }

    /** A fixture with nothing in it. */
    public abstract static class EmptyFixture {}

    private static Snippets.Block block(String... lines) {
        return new Snippets.Block("Example.java", 10, List.of(lines));
    }

    @Test
    void tooFewExamplesFound_fails() {
        AssertionError error = assertThrows(AssertionError.class,
                () -> Snippets.assertExamples("none", List.of(), EmptyFixture.class, 1, 0, List.of()));
        assertTrue(error.getMessage().contains("0 examples found, expected at least 1"), error.getMessage());
    }

    @Test
    void tooFewExamplesRun_fails() {
        List<Snippets.Block> classBody = List.of(block("void helper() {}"));   // a member: compiles, never runs
        AssertionError error = assertThrows(AssertionError.class,
                () -> Snippets.assertExamples("members", classBody, EmptyFixture.class, 1, 1, List.of()));
        assertTrue(error.getMessage().contains("0 examples ran, expected at least 1"), error.getMessage());
    }

    @Test
    void anExampleThatSaysItThrowsButReturns_fails_andOneThatThrowsUnannounced_fails() {
        List<Snippets.Block> blocks = List.of(
                block("Integer.parseInt(\"1\");   // throws NumberFormatException"),
                block("Integer.parseInt(\"x\");"),
                block("Integer.parseInt(\"y\");   // throws NumberFormatException: not a number"));
        AssertionError error = assertThrows(AssertionError.class,
                () -> Snippets.assertExamples("throws", blocks, EmptyFixture.class, 3, 3, List.of()));
        assertTrue(error.getMessage().contains("says it throws NumberFormatException, but it returned normally"),
                error.getMessage());
        assertTrue(error.getMessage().contains("For input string: \"x\""), error.getMessage());
        assertTrue(!error.getMessage().contains("\"y\""), error.getMessage());
    }

    @Test
    void aNotRunEntryForNoExample_fails() {
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> Snippets.assertExamples("stale", List.of(block("int x = 1;")), StaleFixture.class, 1, 0, List.of()));
        assertTrue(error.getMessage().contains("Gone.java: gone();"), error.getMessage());
    }
}
