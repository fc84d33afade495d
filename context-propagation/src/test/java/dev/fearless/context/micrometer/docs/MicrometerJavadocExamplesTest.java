package dev.fearless.context.micrometer.docs;

import dev.fearless.testing.Snippets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every {@code <pre>{@code ...}</pre>} example in the published Javadoc of
 * {@code dev.fearless.context.micrometer} compiles against this module, as code in a class
 * extending {@link MicrometerExamples} (a name an example needs goes there), and each one shaped as
 * a method body runs.
 */
@Timeout(300)
class MicrometerJavadocExamplesTest {

    @Test
    void everyJavadocExampleCompiles_andThoseThatAreMethodBodiesRun() {
        List<Snippets.Block> blocks = Snippets.publicJavadocBlocks("dev.fearless.context.micrometer");
        System.out.println(Snippets.assertExamples("dev.fearless.context.micrometer Javadoc", blocks,
                MicrometerExamples.class, 2, 2, List.of("dev.fearless.context.micrometer", "io.micrometer.context",
                        "io.micrometer.observation", "io.micrometer.tracing.handler")));
    }
}
