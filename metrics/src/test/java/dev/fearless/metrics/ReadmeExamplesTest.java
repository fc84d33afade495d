package dev.fearless.metrics;

import dev.fearless.testing.Snippets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README.md blocks marked {@code // module: fearless-metrics} compile against this module (the
 * toolkit's ReadmeExamplesTest compiles every other block, and skips these), through the shared
 * {@link Snippets} harness: a failure names the README line of each error.
 */
@Timeout(300)
class ReadmeExamplesTest {

    @Test
    void theReadmeBlocksForThisModuleCompile() {
        System.out.println(Snippets.assertReadmeBlocksOf("fearless-metrics"));
    }
}
