package dev.fearless.test.docs;

import dev.fearless.testing.Snippets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every {@code <pre>{@code ...}</pre>} example in the published Javadoc of {@code dev.fearless.test}
 * compiles against this module, as code in a class extending {@link TestExamples} (a name an
 * example needs goes there), with JUnit's API and assertions imported; each one shaped as a method
 * body runs (the explorer's searches included).
 */
@Timeout(300)
class TestJavadocExamplesTest {

    @Test
    void everyJavadocExampleCompiles_andThoseThatAreMethodBodiesRun() {
        List<Snippets.Block> blocks = Snippets.publicJavadocBlocks("dev.fearless.test");
        System.out.println(Snippets.assertExamples("dev.fearless.test Javadoc", blocks, TestExamples.class, 12, 6,
                List.of("dev.fearless.test", "org.junit.jupiter.api", "org.junit.jupiter.api.extension",
                        "static org.junit.jupiter.api.Assertions")));
    }
}
