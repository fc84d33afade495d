package dev.fearless.jfr.docs;

import dev.fearless.testing.Snippets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every {@code <pre>{@code ...}</pre>} example in the published Javadoc of {@code dev.fearless.jfr}
 * compiles against this module, as code in a class extending {@link JfrExamples} (a name an
 * example needs goes there), and each one shaped as a method body runs.
 */
@Timeout(300)
class JfrJavadocExamplesTest {

    @Test
    void everyJavadocExampleCompiles_andThoseThatAreMethodBodiesRun() {
        List<Snippets.Block> blocks = Snippets.publicJavadocBlocks("dev.fearless.jfr");
        System.out.println(Snippets.assertExamples("dev.fearless.jfr Javadoc", blocks, JfrExamples.class, 1, 1,
                List.of("dev.fearless.jfr", "jdk.jfr", "java.nio.file")));
    }
}
