package dev.fearless.samples.service;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Starts the service on a free loopback port and talks to it over HTTP, as a client would. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SampleServiceTest {

    static final long TOTAL = SampleService.ACCOUNTS * SampleService.INITIAL_BALANCE;

    static SampleService service;
    static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        service = SampleService.start("127.0.0.1", 0);
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        service.close();
    }

    record Reply(int status, String body, Map<String, Object> json) {}

    static Reply get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    static Reply post(String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    static String text(String words) {
        return Json.write(Map.of("text", words));
    }

    static URI uri(String path) {
        return service.baseUri().resolve(path);
    }

    static Reply send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = client.send(request.timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        String type = response.headers().firstValue("Content-Type").orElse("");
        Map<String, Object> json = Map.of();
        if (type.startsWith("application/json")) {
            try {
                json = Json.parseObject(response.body());
            } catch (Json.MalformedJsonException nested) {
                // nested bodies are checked as text
            }
        }
        return new Reply(response.statusCode(), response.body(), json);
    }

    static long total() throws Exception {
        Reply reply = get("/api/total");
        assertEquals(200, reply.status(), reply.body());
        return ((BigDecimal) reply.json().get("total")).longValueExact();
    }

    static long balance(String id) throws Exception {
        Reply reply = get("/api/accounts/" + id);
        assertEquals(200, reply.status(), reply.body());
        return ((BigDecimal) reply.json().get("balance")).longValueExact();
    }

    // ------------------------------------------------------------------ fan-out and hedging

    @Test
    void aggregateAnswersWithResultsOrADocumentedError() throws Exception {
        Set<Integer> seen = new java.util.HashSet<>();
        for (int i = 0; i < 10; i++) {
            Reply reply = get("/api/aggregate?deadlineMs=5000");
            assertTrue(Set.of(200, 502).contains(reply.status()), reply.body());
            seen.add(reply.status());
            if (reply.status() == 200) {
                assertTrue(reply.body().contains("\"results\":{\""), reply.body());
            }
        }
        assertTrue(seen.contains(200), "a 5 s deadline lets some backend answer: " + seen);
    }

    @Test
    void aggregateWithATinyDeadlineIsA504OrPartial() throws Exception {
        boolean saw504 = false;
        for (int i = 0; i < 20 && !saw504; i++) {
            Reply reply = get("/api/aggregate?deadlineMs=1");
            if (reply.status() == 504) {
                saw504 = true;
                assertTrue(reply.body().contains("\"error\":\"deadline_exceeded\""), reply.body());
            } else {
                assertEquals(200, reply.status(), reply.body());
                assertTrue(reply.body().contains("deadline passed"), reply.body()); // partial
            }
        }
        assertTrue(saw504, "1 ms is shorter than every backend's least latency (5 ms)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"deadlineMs=abc", "deadlineMs=0", "deadlineMs=-5", "deadlineMs=10001", "deadlineMs=1.5", "deadlineMs="})
    void aggregateRejectsABadDeadline(String query) throws Exception {
        Reply reply = get("/api/aggregate?" + query);
        assertEquals(400, reply.status(), reply.body());
        assertEquals("bad_request", reply.json().get("error"));
    }

    @Test
    void hedgedReturnsTheFirstReplicaOr502() throws Exception {
        int ok = 0;
        for (int i = 0; i < 10; i++) {
            Reply reply = get("/api/hedged");
            assertTrue(Set.of(200, 502).contains(reply.status()), reply.body());
            if (reply.status() == 200) {
                ok++;
                assertTrue(((String) reply.json().get("value")).startsWith("quotes-"), reply.body());
            }
        }
        assertTrue(ok > 0, "both replicas fail 1% of the time");
    }

    // ------------------------------------------------------------------ bank

    @Test
    void transferMovesMoneyAndKeepsTheTotal() throws Exception {
        long before5 = balance("acc-5");
        long before6 = balance("acc-6");
        Reply reply = post("/api/transfer", "{\"from\":\"acc-5\",\"to\":\"acc-6\",\"amount\":125}");
        assertEquals(200, reply.status(), reply.body());
        assertEquals(before5 - 125, balance("acc-5"));
        assertEquals(before6 + 125, balance("acc-6"));
        assertEquals(TOTAL, total());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",                                                          // empty
            "{\"from\":\"acc-1\",\"to\":\"acc-2\",\"amount\":10",        // truncated
            "{\"from\":\"acc-1\",\"to\":\"acc-2\",\"amount\":10,}",      // trailing comma
            "not json",
            "[1,2]",
            "{\"from\":\"acc-1\",\"to\":\"acc-2\",\"amount\":{\"v\":1}}", // nested
    })
    void malformedJsonIs400AndChangesNothing(String body) throws Exception {
        assertRefused(body, 400, "malformed_json");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"from\":\"acc-1\",\"to\":\"acc-2\",\"amount\":-10}",
            "{\"from\":\"acc-1\",\"to\":\"acc-2\",\"amount\":0}",
            "{\"from\":\"acc-1\",\"to\":\"acc-2\",\"amount\":\"10\"}",
            "{\"from\":\"acc-1\",\"to\":\"acc-2\",\"amount\":\"ten\"}",
            "{\"from\":\"acc-1\",\"to\":\"acc-2\",\"amount\":1.5}",
            "{\"from\":\"acc-1\",\"to\":\"acc-2\",\"amount\":1e30}",
            "{\"from\":\"acc-1\",\"to\":\"acc-2\",\"amount\":true}",
            "{\"from\":\"acc-1\",\"to\":\"acc-2\",\"amount\":null}",
            "{\"from\":\"acc-1\",\"to\":\"acc-2\"}",
            "{\"to\":\"acc-2\",\"amount\":10}",
            "{\"from\":7,\"to\":\"acc-2\",\"amount\":10}",
            "{\"from\":\"acc-1\",\"to\":\"acc-1\",\"amount\":10}",
            "{\"from\":\"acc-1\",\"to\":\"acc-2\",\"amount\":10,\"memo\":\"x\"}",
    })
    void invalidTransfersAre400AndChangeNothing(String body) throws Exception {
        assertRefused(body, 400, "bad_request");
    }

    @Test
    void unknownAccountsAre404AndChangeNothing() throws Exception {
        assertRefused("{\"from\":\"acc-1\",\"to\":\"nobody\",\"amount\":10}", 404, "unknown_account");
        assertRefused("{\"from\":\"nobody\",\"to\":\"acc-1\",\"amount\":10}", 404, "unknown_account");
        Reply reply = get("/api/accounts/nobody");
        assertEquals(404, reply.status());
        assertEquals("unknown_account", reply.json().get("error"));
    }

    @Test
    void overdraftIs409AndChangesNothing() throws Exception {
        assertRefused("{\"from\":\"acc-1\",\"to\":\"acc-2\",\"amount\":" + SampleService.MAX_AMOUNT + "}", 409,
                "insufficient_funds");
    }

    @Test
    void oversizedBodiesAre413AndChangeNothing() throws Exception {
        String padding = " ".repeat(SampleService.MAX_BODY_BYTES);
        assertRefused("{\"from\":\"acc-1\",\"to\":\"acc-2\",\"amount\":10}" + padding, 413, "body_too_large");
        Reply ingest = post("/api/ingest", text("word ".repeat(SampleService.MAX_BODY_BYTES)));
        assertEquals(413, ingest.status(), ingest.body());
    }

    @Test
    void oversizedChunkedBodiesAre413() throws Exception {
        // no Content-Length: the limit is enforced while reading
        byte[] big = new byte[SampleService.MAX_BODY_BYTES * 2];
        java.util.Arrays.fill(big, (byte) 'a');
        HttpRequest.BodyPublisher chunked = HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big));
        Reply reply = send(HttpRequest.newBuilder(uri("/api/ingest")).header("Content-Type", "application/json").POST(chunked));
        assertEquals(413, reply.status(), reply.body());
    }

    private static void assertRefused(String body, int status, String error) throws Exception {
        long a1 = balance("acc-1");
        long a2 = balance("acc-2");
        Reply reply = post("/api/transfer", body);
        assertEquals(status, reply.status(), reply.body());
        assertEquals(error, reply.json().get("error"), reply.body());
        assertTrue(reply.json().get("message") instanceof String, reply.body());
        assertEquals(a1, balance("acc-1"));
        assertEquals(a2, balance("acc-2"));
        assertEquals(TOTAL, total());
    }

    @Test
    void wrongMethodsAndPathsAreRefused() throws Exception {
        assertEquals(405, get("/api/transfer").status());
        assertEquals(405, post("/api/total", "{}").status());
        Reply missing = get("/api/nothing-here");
        assertEquals(404, missing.status());
        assertEquals("not_found", missing.json().get("error"));
    }

    @Test
    void concurrentTransfersNeverChangeTheTotal() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= SampleService.ACCOUNTS; i++) {
            ids.add("acc-" + i);
        }
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger totalsChecked = new AtomicInteger();
        try (var executor = java.util.concurrent.Executors.newFixedThreadPool(16)) {
            List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                boolean auditor = t == 0;
                futures.add(executor.submit(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int i = 0; i < 40; i++) {
                        if (auditor) {
                            assertEquals(TOTAL, total());      // never a half-done transfer
                            totalsChecked.incrementAndGet();
                            continue;
                        }
                        String from = ids.get(random.nextInt(ids.size()));
                        String to = ids.get(random.nextInt(ids.size()));
                        if (from.equals(to)) {
                            continue;
                        }
                        Reply reply = post("/api/transfer",
                                Json.write(Map.of("from", from, "to", to, "amount", random.nextInt(1, 5000))));
                        assertTrue(reply.status() == 200 || reply.status() == 409, reply.body());
                        if (reply.status() == 200) {
                            ok.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (var future : futures) {
                future.get();
            }
        }
        assertTrue(ok.get() > 0);
        assertEquals(40, totalsChecked.get());
        assertEquals(TOTAL, total());
        long sum = 0;
        for (String id : ids) {
            sum += balance(id);
        }
        assertEquals(TOTAL, sum);
    }

    // ------------------------------------------------------------------ pipeline

    @Test
    void ingestedDocumentsReachTheSink() throws Exception {
        long before = ((BigDecimal) statsValue("documents")).longValueExact();
        assertEquals(202, post("/api/ingest?priority=urgent", text("Zebra zebra quokka")).status());
        assertEquals(202, post("/api/ingest", text("zebra")).status());
        await().atMost(Duration.ofSeconds(20)).until(
                () -> ((BigDecimal) statsValue("documents")).longValueExact() >= before + 2);
        String stats = get("/api/pipeline").body();
        assertTrue(stats.contains("\"zebra\":"), stats);
        assertTrue(stats.contains("\"quokka\":"), stats);
    }

    private static Object statsValue(String key) throws Exception {
        String body = get("/api/pipeline").body();
        int at = body.indexOf("\"" + key + "\":");
        int end = body.indexOf(',', at);
        return new BigDecimal(body.substring(at + key.length() + 3, end));
    }

    @Test
    void ingestRejectsBadInput() throws Exception {
        long accepted = ((BigDecimal) statsValue("accepted")).longValueExact();
        for (String body : List.of(text("   "), "\"words\"", "{\"text\":7}", "{\"text\":\"a\",\"x\":1}", "words")) {
            Reply reply = post("/api/ingest", body);
            assertEquals(400, reply.status(), reply.body());
            assertTrue(reply.json().get("message") instanceof String, reply.body());
        }
        Reply priority = post("/api/ingest?priority=asap", text("words"));
        assertEquals(400, priority.status(), priority.body());
        Reply binary = send(HttpRequest.newBuilder(uri("/api/ingest")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {'{', '"', 't', '"', ':', '"', (byte) 0xff, '"', '}'})));
        assertEquals(400, binary.status(), binary.body());
        assertEquals(accepted, ((BigDecimal) statsValue("accepted")).longValueExact(), "nothing was ingested");
    }

    // ------------------------------------------------------------------ async bridge

    @Test
    void compositeCallsTheServiceItselfThroughTheAsyncClient() throws Exception {
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri("/api/composite")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(Set.of(200, 502).contains(response.statusCode()), response.body());
            if (response.statusCode() == 200) {
                assertTrue(response.body().contains("\"total\":{\"total\":" + TOTAL + ",\"accounts\":10}"), response.body());
                assertTrue(response.body().contains("\"hedged\":{"), response.body());
                return;
            }
        }
        throw new AssertionError("five composite calls failed");
    }

    // ------------------------------------------------------------------ metrics and dashboard

    @Test
    void metricsExposeFearlessJvmAndVirtualThreadSeries() throws Exception {
        get("/api/aggregate");
        post("/api/transfer", "{\"from\":\"acc-3\",\"to\":\"acc-4\",\"amount\":1}");
        post("/api/ingest", text("metrics please"));
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        String scrape = response.body();
        for (String series : List.of(
                "fearless_task_duration_seconds_count{",
                "fearless_scope_duration_seconds_count{",
                "fearless_lock_wait_seconds_count{",
                "fearless_lock_contended_acquisitions_total{",
                "fearless_channel_size_elements{",
                "fearless_channel_sent_elements_total{",
                "fearless_executor_active_tasks{",
                "fearless_executor_rejected_tasks_total{",
                "jvm_memory_used_bytes{",
                "jvm_threads_live_threads{",
                "process_cpu_usage{",
                "jvm_classes_loaded_classes{",
                "process_uptime_seconds{",
                "jvm_threads_virtual_pinned_seconds")) {
            assertTrue(scrape.contains(series), "missing " + series);
        }
        assertTrue(scrape.contains("fearless_scope_duration_seconds_count{application=\"fearless-samples\",name=\"aggregate\""),
                "the common application tag and the scope name");
        assertTrue(scrape.contains("name=\"account-acc-3\""), "lock meters carry the lock name");
    }

    @Test
    void dashboardPageAndDataAreServed() throws Exception {
        Reply page = get("/dashboard");
        assertEquals(200, page.status());
        assertTrue(page.body().contains("<svg") || page.body().contains("chart-"), "the page builds its charts");
        assertTrue(!page.body().contains("http://") && !page.body().contains("https://"), "self-contained: no CDN");
        String data = get("/dashboard/data").body();
        for (String key : List.of("\"tasks\":", "\"scopes\":", "\"locks\":", "\"lockOrder\":", "\"channels\":", "\"executors\":",
                "\"ingest.bulk\":", "\"http.queue\":", "\"ops\":", "\"self\":", "\"backends\":")) {
            assertTrue(data.contains(key), "missing " + key + " in " + data);
        }
    }
}
