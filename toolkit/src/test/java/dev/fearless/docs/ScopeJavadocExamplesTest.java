package dev.fearless.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every {@code <pre>{@code ...}</pre>} example in the Javadoc of the public types of
 * {@code dev.fearless.scope} compiles, as the body of a method (or class) extending
 * {@link ScopeExamples}, which declares the names the examples take for granted; each example
 * compiled as a method body also runs (against the fixture's stand-ins), and one whose comment says
 * {@code throws X} must throw X.
 */
@Timeout(300)
class ScopeJavadocExamplesTest {

    @Test
    void everyJavadocExampleOfTheScopePackageCompiles_andRuns() throws IOException {
        Path sources = Snippets.findUp("src/main/java").resolve("dev/fearless/scope");
        List<Snippets.Block> blocks = new ArrayList<>();
        try (Stream<Path> files = Files.list(sources)) {
            for (Path file : files.sorted().toList()) {
                String text = Files.readString(file);
                boolean isPublic = file.getFileName().toString().equals("package-info.java")
                        || text.lines().anyMatch(line -> line.startsWith("public "));
                if (isPublic) {
                    blocks.addAll(Snippets.javadocBlocks(file));
                }
            }
        }
        assertTrue(blocks.size() >= 30, "examples found: " + blocks.size());
        List<Snippets.Result> results = new Snippets(ScopeExamples.class.getName(), true).check(blocks);
        assertEquals("", Snippets.failures(results));
        long ran = results.stream().filter(Snippets.Result::ran).count();
        assertTrue(ran >= 25, "examples run: " + ran);
        System.out.printf("scope Javadoc: %d examples compile, %d of them ran%n", results.size(), ran);
    }
}
