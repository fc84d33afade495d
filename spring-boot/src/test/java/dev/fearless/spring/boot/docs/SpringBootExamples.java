package dev.fearless.spring.boot.docs;

import dev.fearless.lock.DeadlockWatchdog;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;

/**
 * The names the Javadoc examples of {@code dev.fearless.spring.boot} take for granted: a meter
 * registry, a deadlock watchdog (closed by {@link #close()}), a mailer.
 */
@SuppressWarnings("unused")
public abstract class SpringBootExamples implements AutoCloseable {

    /** Examples that compile but cannot run against one fixture, with the reason. */
    public static final Map<String, String> NOT_RUN = Map.of(
            "FearlessProperties.java: // application.properties:",
            "Spring injects its @Autowired field; SpringBootJavadocExamplesTest binds the properties it lists");

    public static final class Mailer {
        public String send(String message) {
            return "sent " + message;
        }
    }

    protected final MeterRegistry registry = new SimpleMeterRegistry();
    protected final DeadlockWatchdog watchdog = DeadlockWatchdog.start(Duration.ofSeconds(10));
    protected final Mailer mailer = new Mailer();
    protected final String message = "hello";

    @Override
    public void close() {
        watchdog.close();
    }
}
