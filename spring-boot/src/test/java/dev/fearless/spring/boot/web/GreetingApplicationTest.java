package dev.fearless.spring.boot.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.context.ContextRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

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

    private String get(String path, String requestId) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-Request-Id", requestId).timeout(Duration.ofSeconds(20)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return response.body();
    }
}
