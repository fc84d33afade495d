package dev.fearless.bridge;

import java.io.Serial;
import java.util.Objects;
import java.util.concurrent.CompletionException;

/**
 * Thrown by {@link Bridge#await} when the awaited stage failed with a checked exception; the
 * checked exception is the {@linkplain #getCause() cause}. Unchecked failures are rethrown as
 * they are, never wrapped in this type.
 *
 * <p>It is a {@link CompletionException}, so code that already handles {@code CompletableFuture}
 * failures catches it, and awaiting a stage that failed with it unwraps it again (the rule of
 * {@link Bridge#await} removes {@code CompletionException} wrappers first): wrapping never nests.
 *
 * <pre>{@code
 * try {
 *     String body = Bridge.await(httpClient.sendAsync(request, ofString())).body();
 * } catch (StageFailedException e) {
 *     if (e.getCause() instanceof IOException io) {
 *         throw new UncheckedIOException(io);
 *     }
 *     throw e;
 * }
 * }</pre>
 */
public final class StageFailedException extends CompletionException {

    @Serial
    private static final long serialVersionUID = 1L;

    StageFailedException(Throwable checkedCause) {
        super("awaited stage failed with " + checkedCause, Objects.requireNonNull(checkedCause, "checkedCause"));
    }
}
