package dev.fearless.docs;

import dev.fearless.testing.Snippets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code <pre>{@code ...}</pre>} example in the published Javadoc of each toolkit package
 * compiles, as code in a class extending that package's fixture (which declares the names the
 * examples take for granted: {@code channel}, {@code order}, {@code log}, ...); each example
 * that compiles as a method body also runs against the fixture's stand-ins, and one whose comment
 * says {@code throws X} must throw X. A name an example needs goes into its package's fixture.
 */
@Timeout(300)
class JavadocExamplesTest {

    /**
     * Package, fixture, the least number of examples found and run (so finding none fails), and
     * the packages its examples import beyond the standard set of {@link Snippets}.
     */
    static Stream<Arguments> packages() {
        return Stream.of(
                Arguments.of("dev.fearless.scope", ScopeExamples.class, 35, 34, List.of()),
                Arguments.of("dev.fearless.channel", ChannelExamples.class, 27, 26, List.of()),
                Arguments.of("dev.fearless.handle", HandleExamples.class, 24, 22, JUNIT),
                Arguments.of("dev.fearless.lock", LockExamples.class, 14, 11, JUNIT),
                Arguments.of("dev.fearless.bridge", BridgeExamples.class, 13, 13, List.of("java.nio.file")),
                Arguments.of("dev.fearless.context", ContextExamples.class, 3, 2, List.of()),
                Arguments.of("dev.fearless.structure", StructureExamples.class, 5, 5, List.of()),
                Arguments.of("dev.fearless.telemetry", TelemetryExamples.class, 6, 4, List.of("java.lang.ref")),
                Arguments.of("dev.fearless.tracking", TrackingExamples.class, 1, 1, List.of("dev.fearless.tracking")));
    }

    private static final List<String> JUNIT = List.of("org.junit.jupiter.api");

    @ParameterizedTest(name = "{0}")
    @MethodSource("packages")
    void everyJavadocExampleCompiles_andThoseThatAreMethodBodiesRun(String pkg, Class<?> fixture, int minimumFound,
            int minimumRun, List<String> imports) {
        List<Snippets.Block> blocks = Snippets.publicJavadocBlocks(pkg);
        System.out.println(Snippets.assertExamples(pkg + " Javadoc", blocks, fixture, minimumFound, minimumRun, imports));
    }
}
