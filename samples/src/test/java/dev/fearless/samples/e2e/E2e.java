package dev.fearless.samples.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import dev.fearless.samples.load.LoadGenerator;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Helpers for the end-to-end checks: find a real tool (or fail loudly), run load in the background. */
final class E2e {

    private E2e() {}

    /** The tool at {@code fearless.<name>} or {@code defaultPath}; fails the test, never skips, when missing. */
    static Path tool(String name, String defaultPath) {
        Path path = Path.of(System.getProperty("fearless." + name, defaultPath));
        if (!Files.isExecutable(path)) {
            fail(name + " is required by the end-to-end checks and was not found at " + path
                    + ": install it (apt-get install -y " + name + ") or point -Dfearless." + name + "=... at it");
        }
        return path;
    }

    /** Runs the load generator on its own thread; the future holds its summary. */
    static CompletableFuture<LoadGenerator.Summary> load(URI base, double rate, Duration duration) {
        CompletableFuture<LoadGenerator.Summary> summary = new CompletableFuture<>();
        Thread.ofVirtual().name("e2e-load").start(() -> {
            try {
                summary.complete(LoadGenerator.run(new LoadGenerator.Options(base, rate, duration, 64)));
            } catch (Throwable e) {
                summary.completeExceptionally(e);
            }
        });
        return summary;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * Records a process a check started in {@code target/e2e.pids}, so that {@code .ci/e2e} can end it
     * even if this JVM dies before its {@code finally} runs.
     */
    static Process track(Process process) throws IOException {
        Files.writeString(Path.of("target", "e2e.pids"), process.pid() + "\n",
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        return process;
    }

    /** Ends a process started by a check, and its children. */
    static void stop(Process process) throws InterruptedException {
        if (process == null) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
        }
    }

    static void log(String message) {
        System.out.printf("[e2e %tT] %s%n", System.currentTimeMillis(), message);
    }
}
