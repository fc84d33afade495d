package dev.fearless.jfr.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The names the Javadoc examples of {@code dev.fearless.jfr} take for granted (none so far).
 * {@link #close()} deletes the recording an example dumps into the working directory, unless the
 * file was there before.
 */
@SuppressWarnings("unused")
public abstract class JfrExamples implements AutoCloseable {

    private static final Path DUMP = Path.of("fearless.jfr");

    private final boolean dumpExisted = Files.exists(DUMP);

    @Override
    public void close() {
        if (!dumpExisted) {
            try {
                Files.deleteIfExists(DUMP);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
