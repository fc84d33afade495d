package dev.fearless.spring.boot.web;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.stereotype.Service;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** A small web application whose requests are served through an {@code @Async} method. */
@SpringBootApplication
@EnableAsync
public class GreetingApplication {

    /** A request id, set by the controller, carried into the task by a registered ThreadLocalAccessor. */
    public static final ThreadLocal<String> REQUEST_ID = new ThreadLocal<>();

    /** The key the request id is registered under with Micrometer's ContextRegistry. */
    public static final String REQUEST_ID_KEY = "fearless.test.request-id";

    @RestController
    static class GreetingController {
        private final Greeter greeter;

        GreetingController(Greeter greeter) {
            this.greeter = greeter;
        }

        @GetMapping("/greet")
        CompletableFuture<String> greet(@RequestHeader("X-Request-Id") String requestId) {
            REQUEST_ID.set(requestId);
            try {
                return greeter.greet();
            } finally {
                REQUEST_ID.remove();
            }
        }
    }

    @Service
    static class Greeter {
        private final ObservationRegistry observations;

        Greeter(ObservationRegistry observations) {
            this.observations = observations;
        }

        /** Runs on the application's task executor, and says what it saw there. */
        @Async
        public CompletableFuture<String> greet() {
            Thread thread = Thread.currentThread();
            @Nullable Observation current = observations.getCurrentObservation();
            return CompletableFuture.completedFuture("request=" + REQUEST_ID.get()
                    + " virtual=" + thread.isVirtual()
                    + " thread=" + thread.getName()
                    + " observation=" + (current == null ? "none" : current.getContext().getName()));
        }
    }
}
