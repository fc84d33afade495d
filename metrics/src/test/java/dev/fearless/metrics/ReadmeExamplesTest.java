package dev.fearless.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README.md blocks marked {@code // module: fearless-metrics} compile against this module (the
 * toolkit's ReadmeExamplesTest compiles every other block, and skips these). Each block is a
 * compilation unit, written at its README line so that javac's line numbers are the README's.
 */
class ReadmeExamplesTest {

    @Test
    void theReadmeBlocksForThisModuleCompile() throws Exception {
        List<String> readme = Files.readAllLines(Path.of("").toAbsolutePath().getParent().resolve("README.md"));
        Path work = Files.createTempDirectory("readme");
        List<String> files = new ArrayList<>();
        for (int i = 0; i + 1 < readme.size(); i++) {
            if (readme.get(i).strip().equals("```java") && readme.get(i + 1).strip().equals("// module: fearless-metrics")) {
                int end = readme.subList(i + 1, readme.size()).indexOf("```") + i + 1;
                Path file = work.resolve("README.md-line-" + (i + 2)).resolve("Block.java");
                Files.createDirectories(file.getParent());
                Files.write(file, Stream.concat(Collections.nCopies(i + 1, "").stream(),
                        readme.subList(i + 1, end).stream()).toList());
                files.add(file.toString());
            }
        }
        assertNotEquals(List.of(), files, "no README block is marked for fearless-metrics");
        List<String> arguments = new ArrayList<>(List.of("-d", work.resolve("classes").toString(), "-proc:none",
                "-classpath", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))));
        arguments.addAll(files);
        StringWriter output = new StringWriter();
        PrintWriter writer = new PrintWriter(output, true);
        int status = ToolProvider.findFirst("javac").orElseThrow().run(writer, writer, arguments.toArray(String[]::new));
        assertEquals(0, status, () -> "README.md blocks for fearless-metrics do not compile:\n" + output);
    }
}
