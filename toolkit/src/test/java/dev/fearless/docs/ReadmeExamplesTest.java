package dev.fearless.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.testing.Snippets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every {@code ```java} block of the repository's README.md compiles against the toolkit and its
 * test class path, self-contained: a block declares what it uses (or relies on the standard
 * imports of {@link Snippets}); a block with a {@code main} method is also run. A failure names
 * the README line of each error. A block whose first line is {@code // module: fearless-X} needs
 * that module (Micrometer, JFR, ...), which the toolkit cannot depend on: the {@code ReadmeExamplesTest}
 * of that module compiles it, and this test only checks that the module is one that does.
 */
@Timeout(300)
class ReadmeExamplesTest {

    /** The modules whose own test compiles the README blocks marked {@code // module: <name>}. */
    private static final Set<String> MODULES_WITH_README_TESTS =
            Set.of("fearless-metrics", "fearless-jfr", "fearless-context-propagation");

    private static final String MODULE_MARK = "// module: ";

    private static boolean forAnotherModule(Snippets.Block block) {
        String first = block.lines().isEmpty() ? "" : block.lines().getFirst().strip();
        if (!first.startsWith(MODULE_MARK)) {
            return false;
        }
        String module = first.substring(MODULE_MARK.length()).strip();
        assertTrue(MODULES_WITH_README_TESTS.contains(module), () -> block.where(1) + ": no test compiles blocks for "
                + module + "; known: " + MODULES_WITH_README_TESTS);
        return true;
    }

    @Test
    void everyJavaBlockOfTheReadmeCompiles_andThoseWithMainRun() {
        String other = System.getProperty("readme.path");   // to check another version of the file
        Path readme = other != null ? Path.of(other) : Snippets.findUp("README.md");
        List<Snippets.Block> blocks = Snippets.markdownBlocks(readme);
        assertFalse(blocks.isEmpty(), "no ```java block found in " + readme);
        List<Snippets.Block> own = blocks.stream().filter(block -> !forAnotherModule(block)).toList();
        List<Snippets.Result> results = new Snippets(null, true).check(own);
        assertEquals("", Snippets.failures(results), "README.md examples");
        assertTrue(results.stream().anyMatch(Snippets.Result::ran), "the quick start has a main() and runs");
        System.out.printf("README.md: %d java blocks for the toolkit (%d for other modules), %d compile, %d ran%n",
                results.size(), blocks.size() - own.size(),
                results.stream().filter(Snippets.Result::compiled).count(),
                results.stream().filter(Snippets.Result::ran).count());
    }

    @Test
    void theHarnessReportsABrokenBlockWithItsLine() {
        Snippets.Block broken = new Snippets.Block("README.md", 40, List.of(
                "import dev.fearless.scope.Scope;",
                "",
                "try (var scope = Scope.open()) {",
                "    var orders = scope.fork(() -> orders.size());   // the variable being declared",
                "    scope.join();",
                "}"));
        Snippets.Block intended = new Snippets.Block("README.md", 90, List.of(
                "// does not compile",
                "int x = \"text\";"));
        Snippets.Block throwing = new Snippets.Block("README.md", 120, List.of(
                "void main() {",
                "    throw new IllegalStateException(\"example failed\");",
                "}"));
        String report = Snippets.failures(new Snippets(null, true).check(List.of(broken, intended, throwing)));
        assertTrue(report.contains("README.md:40: the block does not compile"), report);
        assertTrue(report.contains("README.md:43: "), report);
        assertFalse(report.contains("README.md:90"), report);
        assertTrue(report.contains("README.md:120: the block compiles, but running it threw"), report);
        assertTrue(report.contains("example failed"), report);
    }
}
