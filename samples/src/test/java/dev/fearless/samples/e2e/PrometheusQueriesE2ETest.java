package dev.fearless.samples.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.samples.load.LoadGenerator;
import dev.fearless.samples.service.Json;
import dev.fearless.samples.service.SampleService;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs a real Prometheus server that scrapes the service every second while the load generator
 * drives it, then runs every PromQL expression of {@code dashboards/fearless.json} (with the
 * dashboard's {@code $application} and {@code $instance} variables substituted) and the
 * variables' own {@code label_values} queries: each must return data.
 */
@Tag("e2e")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PrometheusQueriesE2ETest {

    static final Path DASHBOARD = Path.of("dashboards", "fearless.json");
    static final Pattern EXPR = Pattern.compile("\"expr\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    static final Pattern DEFINITION = Pattern.compile("\"definition\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.+),\\s*(\\w+)\\)");

    @Test
    void everyDashboardQueryReturnsData(@TempDir Path temp) throws Exception {
        Path prometheus = E2e.tool("prometheus", "/usr/bin/prometheus");
        String dashboard = Files.readString(DASHBOARD, StandardCharsets.UTF_8);
        long started = System.nanoTime();
        Process server = null;
        try (SampleService service = SampleService.start("127.0.0.1", 0);
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            String target = "127.0.0.1:" + service.port();
            int port = E2e.freePort();
            Path config = temp.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                      evaluation_interval: 1s
                    scrape_configs:
                      - job_name: fearless-samples
                        metrics_path: /metrics
                        static_configs:
                          - targets: ['%s']
                    """.formatted(target));
            Path log = temp.resolve("prometheus.log");
            server = E2e.track(new ProcessBuilder(prometheus.toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + temp.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                    "--storage.tsdb.retention.time=1h")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start());
            URI api = URI.create("http://127.0.0.1:" + port + "/");

            CompletableFuture<LoadGenerator.Summary> load = E2e.load(service.baseUri(), 150, Duration.ofSeconds(25));
            awaitReady(client, api, server, log);
            E2e.log("prometheus ready on " + api + ", scraping " + target);
            LoadGenerator.Summary summary = load.get(3, TimeUnit.MINUTES);
            summary.print(System.out);
            assertTrue(summary.ok(), String.valueOf(summary.failures()));
            awaitScraped(client, api);

            Set<String> queries = new LinkedHashSet<>();
            for (Matcher m = DEFINITION.matcher(dashboard); m.find(); ) {
                Matcher lv = LABEL_VALUES.matcher(unescape(m.group(1)));
                assertTrue(lv.matches(), "a templating query is label_values(selector, label): " + m.group(1));
                queries.add("count by (" + lv.group(2) + ") (" + lv.group(1) + ")");
            }
            int expressions = 0;
            for (Matcher m = EXPR.matcher(dashboard); m.find(); expressions++) {
                queries.add(unescape(m.group(1)));
            }
            assertTrue(expressions >= 20, "the dashboard has its panels: " + expressions);

            List<String> empty = new ArrayList<>();
            for (String raw : queries) {
                String query = raw.replace("$application", "fearless-samples").replace("$instance", target);
                String body = query(client, api, query);
                boolean hasData = body.contains("\"status\":\"success\"") && !body.contains("\"result\":[]");
                if (!hasData) {
                    empty.add(query + "  =>  " + body);
                }
            }
            E2e.log(queries.size() + " queries, " + empty.size() + " without data");
            assertTrue(empty.isEmpty(), "queries without data:\n" + String.join("\n", empty));
        } finally {
            E2e.stop(server);
        }
        E2e.log(String.format("prometheus check took %.1f s", (System.nanoTime() - started) / 1e9));
    }

    private static String unescape(String jsonString) {
        return (String) Json.parseObject("{\"s\":\"" + jsonString + "\"}").get("s");
    }

    private static String query(HttpClient client, URI api, String query) throws Exception {
        URI uri = api.resolve("/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static void awaitReady(HttpClient client, URI api, Process server, Path log) {
        await("prometheus ready").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .ignoreException(java.io.IOException.class)
                .until(() -> {
                    if (!server.isAlive()) {
                        throw new AssertionError("prometheus exited: " + Files.readString(log));
                    }
                    return client.send(HttpRequest.newBuilder(api.resolve("/-/ready")).timeout(Duration.ofSeconds(2))
                            .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                });
    }

    /** Waits until Prometheus holds a few samples of a Fearless series from the service. */
    private static void awaitScraped(HttpClient client, URI api) {
        await("prometheus scraped the service").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    String body = query(client, api, "count_over_time(fearless_task_duration_seconds_count[1m]) > 5");
                    return body.contains("\"status\":\"success\"") && !body.contains("\"result\":[]");
                });
    }
}
