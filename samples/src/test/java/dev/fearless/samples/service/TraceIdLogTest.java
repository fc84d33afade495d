package dev.fearless.samples.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The request's trace id reaches the log lines of the backend calls it fans out to: they run in
 * scope tasks and executor tasks on other threads, and carry the id through the
 * fearless-context-propagation bridge and Brave's MDC decorator.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TraceIdLogTest {

    @Test
    void theBackendCallsOfARequestLogItsTraceId() throws Exception {
        Logger backends = (Logger) LoggerFactory.getLogger(Backends.class);
        Level before = backends.getLevel();
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        backends.addAppender(lines);
        backends.setLevel(Level.DEBUG);
        try (SampleService service = SampleService.start("127.0.0.1", 0);
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            String first = traceIdOf(client, service);
            String second = traceIdOf(client, service);
            assertNotEquals(first, second, "each request has its own trace");

            List<ILoggingEvent> ofFirst = lines.list.stream()
                    .filter(line -> first.equals(line.getMDCPropertyMap().get("traceId"))).toList();
            assertFalse(ofFirst.isEmpty(), () -> "no backend line with traceId " + first + ": " + lines.list);
            assertTrue(lines.list.stream().allMatch(line -> line.getMDCPropertyMap().containsKey("traceId")),
                    () -> "every backend line of a request has a trace id: " + lines.list);
            assertEquals(0, lines.list.stream().filter(line -> "aggregate".equals(line.getThreadName())).count(),
                    "the lines come from the forked tasks' threads");
        } finally {
            backends.detachAppender(lines);
            backends.setLevel(before);
        }
    }

    private static String traceIdOf(HttpClient client, SampleService service) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(service.baseUri().resolve("/api/aggregate"))
                .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response::body);
        String traceId = response.headers().firstValue("X-Trace-Id").orElseThrow();
        assertEquals(16, traceId.length(), traceId);
        return traceId;
    }
}
