package dev.fearless.channel;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;

/** A task on its own thread from a given factory, whose outcome a test can join and inspect. */
final class Forked<T> {

    static final Duration JOIN_TIMEOUT = Duration.ofSeconds(20);

    final Thread thread;
    private final CompletableFuture<T> outcome = new CompletableFuture<>();

    private Forked(ThreadFactory factory, Callable<T> body) {
        thread = factory.newThread(() -> {
            try {
                outcome.complete(body.call());
            } catch (Throwable t) {
                outcome.completeExceptionally(t);
            }
        });
        thread.start();
    }

    static <T> Forked<T> start(ThreadFactory factory, Callable<T> body) {
        return new Forked<>(factory, body);
    }

    /** Both thread kinds, for {@code @MethodSource("dev.fearless.channel.Forked#factories")}. */
    static Stream<Arguments> factories() {
        return Stream.of(
                Arguments.of(Named.of("platform", Thread.ofPlatform().factory())),
                Arguments.of(Named.of("virtual", Thread.ofVirtual().factory())));
    }

    /** Waits for the task and returns its result, rethrowing its failure as the cause. */
    T join() throws Exception {
        try {
            return outcome.get(JOIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        } catch (TimeoutException e) {
            throw new AssertionError("task on " + thread + " did not finish", e);
        }
    }

    /** Waits for the task and returns what it threw, failing if it returned normally. */
    <X extends Throwable> X joinFailure(Class<X> expected) throws Exception {
        try {
            outcome.get(JOIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return assertInstanceOf(expected, e.getCause());
        }
        throw new AssertionError("expected " + expected.getSimpleName() + " but the task returned normally");
    }

    boolean isDone() {
        return outcome.isDone();
    }

    void assertRunning() {
        assertFalse(outcome.isDone(), "task should still be blocked");
    }
}
