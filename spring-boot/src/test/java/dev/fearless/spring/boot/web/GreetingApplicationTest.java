package dev.fearless.spring.boot.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.context.ContextRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * A real web application on a random port: a request served through an {@code @Async} method runs
 * on the Fearless executor, with the request's context, and shows in {@code /actuator/prometheus}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "fearless.executor.name=web",
    "fearless.executor.limit=4",
    "fearless.executor.policy=enqueue",
    "management.endpoints.web.exposure.include=health,prometheus",
    "management.endpoint.health.show-details=always",
})
@DirtiesContext // the application's telemetry listeners and watchdog are JVM-wide: stop them after this class
@Timeout(60)
class GreetingApplicationTest {

    @LocalServerPort
    int port;

    @BeforeAll
    static void registerTheRequestId() {
        ContextRegistry.getInstance().registerThreadLocalAccessor(GreetingApplication.REQUEST_ID_KEY,
                GreetingApplication.REQUEST_ID::get, GreetingApplication.REQUEST_ID::set,
                GreetingApplication.REQUEST_ID::remove);
    }

    @AfterAll
    static void unregisterTheRequestId() {
        ContextRegistry.getInstance().removeThreadLocalAccessor(GreetingApplication.REQUEST_ID_KEY);
    }

    @Test
    void anAsyncRequestRunsOnTheFearlessExecutorWithItsContextAndIsMetered() throws Exception {
        String greeting = get("/greet", "r-42");
        assertThat(greeting)
                .contains("request=r-42")                       // a ContextRegistry value reached the task
                .contains("virtual=true")
                .contains("thread=web")                         // the executor's threads carry its name
                .contains("observation=http.server.requests");  // and so did the request's observation

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(get("/actuator/prometheus", "scrape"))
                .contains("fearless_executor_completed_tasks_total{name=\"web\"")
                .contains("fearless_executor_limit_tasks{name=\"web\"} 4.0")
                .contains("fearless_executor_seconds_count{name=\"web\",outcome=\"success\"}"));

        assertThat(get("/actuator/health/fearless", "health")).contains("\"status\":\"UP\"");
    }

    /** A GET with java.base only (the tests compile inside the module, which does not read java.net.http). */
    private String get(String path, String requestId) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
        connection.setConnectTimeout(10_000);
        connection.setReadTimeout(20_000);
        connection.setRequestProperty("X-Request-Id", requestId);
        try {
            int status = connection.getResponseCode();
            try (InputStream body = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
                String text = body == null ? "" : new String(body.readAllBytes(), StandardCharsets.UTF_8);
                assertThat(status).as(path + ": " + text).isEqualTo(200);
                return text;
            }
        } finally {
            connection.disconnect();
        }
    }
}
