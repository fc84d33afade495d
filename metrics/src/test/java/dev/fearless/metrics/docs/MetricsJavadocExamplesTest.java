package dev.fearless.metrics.docs;

import dev.fearless.testing.Snippets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every {@code <pre>{@code ...}</pre>} example in the published Javadoc of {@code dev.fearless.metrics}
 * compiles against this module, as code in a class extending {@link MetricsExamples} (a name an
 * example needs goes there), and each one shaped as a method body runs.
 */
@Timeout(300)
class MetricsJavadocExamplesTest {

    @Test
    void everyJavadocExampleCompiles_andThoseThatAreMethodBodiesRun() {
        List<Snippets.Block> blocks = Snippets.publicJavadocBlocks("dev.fearless.metrics");
        System.out.println(Snippets.assertExamples("dev.fearless.metrics Javadoc", blocks, MetricsExamples.class, 4, 4,
                List.of("dev.fearless.metrics", "io.micrometer.core.instrument", "io.micrometer.core.instrument.simple",
                        "java.lang.management", "javax.management")));
    }
}
