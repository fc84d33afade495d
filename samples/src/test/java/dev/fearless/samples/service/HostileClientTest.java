package dev.fearless.samples.service;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.samples.testing.RawHttp;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The service against hostile and careless clients, over real HTTP on a free loopback port: raw
 * sockets where {@link HttpClient} would refuse to send the request (bad URIs, lying lengths,
 * forged Host headers). Every refusal must be its status with the JSON error shape, and change
 * nothing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileClientTest {

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

    /** A response read off a raw socket. */
    record Raw(int status, Map<String, String> headers, String body) {
        Map<String, Object> json() {
            assertTrue(headers.getOrDefault("content-type", "").startsWith("application/json"), this::toString);
            return Json.parseObject(body);
        }

        void assertError(int expectedStatus, String code) {
            assertEquals(expectedStatus, status, this::toString);
            Map<String, Object> json = json();
            assertEquals(code, json.get("error"), this::toString);
            assertTrue(json.get("message") instanceof String message && message.length() < 300, this::toString);
        }
    }

    /** Sends {@code head} (CRLF line ends added) and {@code body} and reads one response. */
    static Raw raw(String head, byte[] body) throws IOException {
        RawHttp.Response response = RawHttp.exchange(service.port(), head, body);
        return new Raw(response.status(), response.headers(), response.body());
    }

    static Raw raw(String head) throws IOException {
        return raw(head, new byte[0]);
    }

    static String host() {
        return "Host: 127.0.0.1:" + service.port();
    }

    static Raw postTransfer(String body, String... extraHeaders) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder("POST /api/transfer HTTP/1.1\n" + host() + "\nConnection: close\n");
        boolean typed = false;
        for (String header : extraHeaders) {
            head.append(header).append('\n');
            typed |= header.toLowerCase(Locale.ROOT).startsWith("content-type:");
        }
        if (!typed) {
            head.append("Content-Type: application/json\n");
        }
        head.append("Content-Length: ").append(bytes.length).append('\n');
        return raw(head.toString(), bytes);
    }

    static long balance(String id) throws Exception {
        Raw reply = raw("GET /api/accounts/" + id + " HTTP/1.1\n" + host() + "\nConnection: close\n");
        assertEquals(200, reply.status(), reply::toString);
        return ((BigDecimal) reply.json().get("balance")).longValueExact();
    }

    static long total() throws Exception {
        Raw reply = raw("GET /api/total HTTP/1.1\n" + host() + "\nConnection: close\n");
        assertEquals(200, reply.status(), reply::toString);
        return ((BigDecimal) reply.json().get("total")).longValueExact();
    }

    /** Runs {@code attempt}, then checks that no balance of acc-1 / acc-2 and not the total changed. */
    static void changesNothing(ThrowingRunnable attempt) throws Exception {
        long a1 = balance("acc-1");
        long a2 = balance("acc-2");
        attempt.run();
        assertEquals(a1, balance("acc-1"));
        assertEquals(a2, balance("acc-2"));
        assertEquals(TOTAL, total());
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    // ------------------------------------------------------------------ strict input

    @ParameterizedTest
    @ValueSource(strings = {"1e1000000000", "1e2147483647", "1e2147483648", "-1e-2147483648", "1E+999",
            "123456789012345678901234567890123456789", "0.00000000000000000000000000000000000000001"})
    void hostileNumbersAre400WithAShortMessage(String amount) throws Exception {
        changesNothing(() -> postTransfer("{\"from\":\"acc-1\",\"to\":\"acc-2\",\"amount\":" + amount + "}")
                .assertError(400, "malformed_json"));
    }

    @Test
    void aHugeNumberIsNotEchoed() throws Exception {
        String digits = "7".repeat(10_000);
        changesNothing(() -> {
            Raw reply = postTransfer("{\"from\":\"acc-1\",\"to\":\"acc-2\",\"amount\":" + digits + "}");
            reply.assertError(400, "malformed_json");
            assertFalse(reply.body().contains("7777777777777777777777777777777777777777"), reply.body());
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"acc-\\u+031", "acc-\\u-031", "acc-\\u 031", "acc-\\u31", "acc-\\u003"})
    void unicodeEscapesNeedExactlyFourHexDigits(String from) throws Exception {
        changesNothing(() -> postTransfer("{\"from\":\"" + from + "\",\"to\":\"acc-2\",\"amount\":1}")
                .assertError(400, "malformed_json"));
    }

    @Test
    void aWellFormedEscapeStillWorks() throws Exception {
        long before = balance("acc-7");
        Raw reply = postTransfer("{\"from\":\"acc-\\u0037\",\"to\":\"acc-8\",\"amount\":1}");
        assertEquals(200, reply.status(), reply::toString);
        assertEquals(before - 1, balance("acc-7"));
        assertEquals(TOTAL, total());
    }

    // ------------------------------------------------------------------ the server's own errors

    @Test
    void aBadUriIsAJson400() throws Exception {
        raw("GET /%ZZ HTTP/1.1\n" + host() + "\nConnection: close\n").assertError(400, "bad_request");
    }

    @Test
    void aBadContentLengthIsAJson400AndChangesNothing() throws Exception {
        changesNothing(() -> raw("POST /api/transfer HTTP/1.1\n" + host()
                + "\nContent-Type: application/json\nContent-Length: abc\n", "{}".getBytes(StandardCharsets.UTF_8))
                .assertError(400, "bad_request"));
    }

    @Test
    void aHugeHeaderIsAJson431() throws Exception {
        raw("GET /api/total HTTP/1.1\n" + host() + "\nX-Big: " + "a".repeat(1 << 20) + "\n")
                .assertError(431, "headers_too_large");
    }

    @Test
    void tooManyHeadersAreAJson431() throws Exception {
        StringBuilder head = new StringBuilder("GET /api/total HTTP/1.1\n" + host() + "\nConnection: close\n");
        for (int i = 0; i < 200; i++) {
            head.append("X-H").append(i).append(": v\n");
        }
        raw(head.toString()).assertError(431, "headers_too_large");
    }

    @Test
    void aLyingContentLengthIs413WithoutWaitingForTheBody() throws Exception {
        // 100000 declared, 2 sent: the answer can only come without reading the body
        changesNothing(() -> raw("POST /api/transfer HTTP/1.1\n" + host()
                + "\nContent-Type: application/json\nContent-Length: 100000\n", "{\"".getBytes(StandardCharsets.UTF_8))
                .assertError(413, "body_too_large"));
    }

    @Test
    void aBodyThatStopsArrivingIs408AndChangesNothing() throws Exception {
        changesNothing(() -> {
            Raw reply = raw("POST /api/transfer HTTP/1.1\n" + host()
                    + "\nContent-Type: application/json\nContent-Length: 1000\n", "{\"".getBytes(StandardCharsets.UTF_8));
            reply.assertError(408, "request_timeout");
            assertEquals("close", reply.headers().get("connection"));
        });
    }

    @Test
    void aSilentConnectionIsClosed() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", service.port())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write("GET /api/total HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertEquals(-1, socket.getInputStream().read(), "closed after the idle timeout, nothing handled");
        }
    }

    // ------------------------------------------------------------------ methods

    @Test
    void aWrongMethodIs405WithAllow() throws Exception {
        Raw post = raw("POST /api/total HTTP/1.1\n" + host() + "\nContent-Length: 0\nConnection: close\n");
        post.assertError(405, "method_not_allowed");
        assertEquals("GET, HEAD", post.headers().get("allow"));
        Raw get = raw("GET /api/transfer HTTP/1.1\n" + host() + "\nConnection: close\n");
        get.assertError(405, "method_not_allowed");
        assertEquals("POST", get.headers().get("allow"));
        raw("DELETE /api/accounts/acc-1 HTTP/1.1\n" + host() + "\nConnection: close\n").assertError(405, "method_not_allowed");
    }

    @Test
    void headIsAnsweredWhereGetIs() throws Exception {
        for (String path : List.of("/api/total", "/api/accounts/acc-1", "/metrics", "/health", "/ready", "/dashboard")) {
            HttpResponse<String> head = client.send(HttpRequest.newBuilder(service.baseUri().resolve(path))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, head.statusCode(), path);
            assertEquals("", head.body(), path);
            assertTrue(head.headers().firstValueAsLong("Content-Length").orElse(0) > 0, path);
        }
    }

    // ------------------------------------------------------------------ security

    @Test
    void aStateChangeNeedsJsonContentType() throws Exception {
        String body = "{\"from\":\"acc-1\",\"to\":\"acc-2\",\"amount\":1}";
        changesNothing(() -> {
            postTransfer(body, "Content-Type: text/plain").assertError(415, "unsupported_media_type");
            postTransfer(body, "Content-Type: application/x-www-form-urlencoded").assertError(415, "unsupported_media_type");
            raw("POST /api/transfer HTTP/1.1\n" + host() + "\nConnection: close\nContent-Length: " + body.length() + "\n",
                    body.getBytes(StandardCharsets.UTF_8)).assertError(415, "unsupported_media_type");
        });
    }

    @Test
    void aCrossOriginStateChangeIs403() throws Exception {
        String body = "{\"from\":\"acc-1\",\"to\":\"acc-2\",\"amount\":1}";
        changesNothing(() -> {
            postTransfer(body, "Origin: http://evil.example").assertError(403, "forbidden_origin");
            postTransfer(body, "Origin: null").assertError(403, "forbidden_origin");
            postTransfer(body, "Origin: http://127.0.0.1:1").assertError(403, "forbidden_origin");
        });
        long before = balance("acc-9");
        Raw same = postTransfer("{\"from\":\"acc-9\",\"to\":\"acc-10\",\"amount\":1}",
                "Origin: http://127.0.0.1:" + service.port());
        assertEquals(200, same.status(), same::toString);
        assertEquals(before - 1, balance("acc-9"));
    }

    @Test
    void anUnexpectedHostIs403() throws Exception {
        changesNothing(() -> {
            byte[] body = "{\"from\":\"acc-1\",\"to\":\"acc-2\",\"amount\":1}".getBytes(StandardCharsets.UTF_8);
            raw("POST /api/transfer HTTP/1.1\nHost: rebound.example:" + service.port()
                    + "\nContent-Type: application/json\nConnection: close\nContent-Length: " + body.length + "\n", body)
                    .assertError(403, "forbidden_host");
        });
        raw("GET /api/total HTTP/1.1\nHost: rebound.example\nConnection: close\n").assertError(403, "forbidden_host");
        assertEquals(200, raw("GET /api/total HTTP/1.1\nHost: localhost:" + service.port() + "\nConnection: close\n").status());
    }

    // ------------------------------------------------------------------ operations

    @Test
    void healthAndReadyAnswer() throws Exception {
        Raw health = raw("GET /health HTTP/1.1\n" + host() + "\nConnection: close\n");
        assertEquals(200, health.status());
        assertEquals("up", health.json().get("status"));
        Raw ready = raw("GET /ready HTTP/1.1\n" + host() + "\nConnection: close\n");
        assertEquals(200, ready.status());
        assertEquals(Boolean.TRUE, ready.json().get("ready"));
    }

    @Test
    void closeDrainsARequestInProgressThenRefusesConnections() throws Exception {
        SampleService other = SampleService.start("127.0.0.1", 0);
        try (HttpClient own = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            CompletableFuture<HttpResponse<String>> inFlight;
            int attempts = 0;
            do {                                             // until close() catches an aggregate (20-400 ms) in progress
                assertTrue(attempts++ < 50, "never caught a request in progress");
                inFlight = own.sendAsync(HttpRequest.newBuilder(other.baseUri().resolve("/api/aggregate?deadlineMs=10000"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                CompletableFuture<HttpResponse<String>> sent = inFlight;
                await().pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(10))
                        .until(() -> other.busyWorkers() == 1 || sent.isDone());
            } while (inFlight.isDone());
            int port = other.port();
            other.close();
            assertEquals(SampleService.State.STOPPED, other.state());
            HttpResponse<String> answer = inFlight.get(10, TimeUnit.SECONDS);
            assertTrue(answer.statusCode() == 200 || answer.statusCode() == 502, answer.body());  // drained, not cut
            assertThrows(IOException.class, () -> new Socket("127.0.0.1", port).close());
        } finally {
            other.close();
        }
    }

    // ------------------------------------------------------------------ admission

    @Test
    void aFullLaneIsAnImmediate503WithRetryAfterWhileOpsStillAnswer() throws Exception {
        try (SampleService small = SampleService.start("127.0.0.1", 0, 1, 1);
                HttpClient own = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            List<HttpResponse<String>> refused = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    burst.add(own.sendAsync(HttpRequest.newBuilder(small.baseUri().resolve("/api/aggregate?deadlineMs=10000"))
                            .build(), HttpResponse.BodyHandlers.ofString()));
                }
                HttpResponse<String> health = own.send(HttpRequest.newBuilder(small.baseUri().resolve("/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, health.statusCode(), "the ops lane answers while the api lane is full");
                for (var future : burst) {
                    HttpResponse<String> response = future.get(20, TimeUnit.SECONDS);
                    assertTrue(List.of(200, 502, 503).contains(response.statusCode()), response.body());
                    if (response.statusCode() == 503) {
                        refused.add(response);
                    }
                }
                return !refused.isEmpty();
            });
            for (HttpResponse<String> response : refused) {
                assertEquals("1", response.headers().firstValue("Retry-After").orElse(""), response.body());
                assertEquals("overloaded", Json.parseObject(response.body()).get("error"), response.body());
            }
            String scrape = own.send(HttpRequest.newBuilder(small.baseUri().resolve("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(scrape.matches("(?s).*sample_http_refusals_seconds_count\\{[^}]*} [1-9].*"),
                    "the refusals are timed inside the service");
        }
    }

    /** A transfer as one request on a kept-alive connection. */
    static String transferRequest(int port, String from, String to, long amount) {
        String body = "{\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"amount\":" + amount + "}";
        return "POST /api/transfer HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body;
    }

    /**
     * Keeps the only worker of {@code small} busy with a transfer from acc-9, whose lock the caller
     * holds, and returns that transfer's answer to come.
     */
    static CompletableFuture<RawHttp.Response> occupyTheWorker(SampleService small) {
        CompletableFuture<RawHttp.Response> answer = new CompletableFuture<>();
        Thread.ofPlatform().name("occupier").start(() -> {
            try (Socket socket = new Socket("127.0.0.1", small.port())) {
                socket.setSoTimeout(20_000);
                socket.getOutputStream().write(transferRequest(small.port(), "acc-9", "acc-10", 1).getBytes(StandardCharsets.UTF_8));
                answer.complete(RawHttp.read(socket.getInputStream()));
            } catch (Throwable e) {
                answer.completeExceptionally(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> small.busyWorkers() == 1 || answer.isDone());
        assertFalse(answer.isDone(), "the worker was meant to wait for acc-9's lock");
        return answer;
    }

    @SuppressWarnings("try") // the guard is held for its lock
    @ParameterizedTest(name = "reset = {0}")
    @ValueSource(booleans = {false, true})
    void aRequestWhoseClientHasGoneIsNotProcessed(boolean reset) throws Exception {
        try (SampleService small = SampleService.start("127.0.0.1", 0, 1, 4, Duration.ofMinutes(1))) {
            long a1 = small.account("acc-1").read(b -> b);
            long a2 = small.account("acc-2").read(b -> b);
            CompletableFuture<RawHttp.Response> occupier;
            try (var held = small.account("acc-9").lock()) {
                occupier = occupyTheWorker(small);
                try (Socket gone = new Socket("127.0.0.1", small.port())) {
                    gone.getOutputStream().write(transferRequest(small.port(), "acc-1", "acc-2", 7).getBytes(StandardCharsets.UTF_8));
                    await().atMost(Duration.ofSeconds(10)).until(() -> small.queued() == 1);   // admitted, waiting
                    if (reset) {
                        gone.setSoLinger(true, 0);            // close with RST instead of FIN
                    }
                }                                             // the client leaves, silently, while queued
            }
            assertEquals(200, occupier.get(20, TimeUnit.SECONDS).status());
            await().atMost(Duration.ofSeconds(10)).until(() -> small.abandoned() == 1);
            assertEquals(0, small.queued());
            assertEquals(a1, (long) small.account("acc-1").read(b -> b), "the gone client's transfer was not made");
            assertEquals(a2, (long) small.account("acc-2").read(b -> b), "the gone client's transfer was not made");
            assertEquals(TOTAL, small.totalBalance());
        }
    }

    @SuppressWarnings("try") // the guard is held for its lock
    @Test
    void aRequestWaitingTooLongIsRefusedByItsTimerNotByTheNextWorker() throws Exception {
        try (SampleService small = SampleService.start("127.0.0.1", 0, 1, 4, Duration.ofMillis(200))) {
            long a5 = small.account("acc-5").read(b -> b);
            CompletableFuture<RawHttp.Response> occupier;
            try (var held = small.account("acc-9").lock()) {
                occupier = occupyTheWorker(small);
                try (Socket waiting = new Socket("127.0.0.1", small.port())) {
                    waiting.setSoTimeout(20_000);
                    waiting.getOutputStream().write(transferRequest(small.port(), "acc-5", "acc-6", 3).getBytes(StandardCharsets.UTF_8));
                    RawHttp.Response refused = RawHttp.read(waiting.getInputStream());   // the worker is still stuck
                    assertEquals(503, refused.status(), refused::toString);
                    assertEquals("1", refused.headers().get("retry-after"), refused::toString);
                    assertTrue(refused.body().contains("waited 200 ms for a worker"), refused::toString);
                    assertFalse(occupier.isDone());
                }
            }
            assertEquals(200, occupier.get(20, TimeUnit.SECONDS).status());
            await().atMost(Duration.ofSeconds(10)).until(() -> small.queued() == 0 && small.busyWorkers() == 0);
            assertEquals(a5, (long) small.account("acc-5").read(b -> b), "the refused transfer was not made later");
            assertEquals(0, small.abandoned());
        }
    }

    @SuppressWarnings("try") // the guard is held for its lock
    @Test
    void aPipelinedRequestBehindAQueuedOneIsStillAnswered() throws Exception {
        // the gone-client probe reads a byte of the next request; it must hand it back, not lose it
        try (SampleService small = SampleService.start("127.0.0.1", 0, 1, 4, Duration.ofMinutes(1))) {
            CompletableFuture<RawHttp.Response> occupier;
            try (Socket pipelining = new Socket("127.0.0.1", small.port())) {
                pipelining.setSoTimeout(20_000);
                var out = pipelining.getOutputStream();
                try (var held = small.account("acc-9").lock()) {
                    occupier = occupyTheWorker(small);
                    out.write(transferRequest(small.port(), "acc-3", "acc-4", 5).getBytes(StandardCharsets.UTF_8));
                    await().atMost(Duration.ofSeconds(10)).until(() -> small.queued() == 1);
                    out.write(("GET /api/accounts/acc-4 HTTP/1.1\r\nHost: 127.0.0.1:" + small.port() + "\r\n\r\n")
                            .getBytes(StandardCharsets.UTF_8));       // sent before the first is answered
                    out.flush();
                }
                assertEquals(200, occupier.get(20, TimeUnit.SECONDS).status());
                RawHttp.Response first = RawHttp.read(pipelining.getInputStream());
                assertEquals(200, first.status(), first::toString);
                RawHttp.Response second = RawHttp.read(pipelining.getInputStream());
                assertEquals(200, second.status(), second::toString);
                assertTrue(second.body().contains("\"balance\":" + (SampleService.INITIAL_BALANCE + 5)), second::toString);
            }
            assertEquals(0, small.abandoned());
        }
    }

    @Test
    void compositeSelfCallsDoNotNeedAWorker() throws Exception {
        // one worker: the composite request holds it; its self-calls must not wait for it
        try (SampleService small = SampleService.start("127.0.0.1", 0, 1, 4);
                HttpClient own = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            boolean ok = false;
            for (int i = 0; i < 5 && !ok; i++) {
                HttpResponse<String> response = own.send(HttpRequest.newBuilder(small.baseUri().resolve("/api/composite"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertTrue(List.of(200, 502).contains(response.statusCode()), response.body());
                ok = response.statusCode() == 200;
            }
            assertTrue(ok, "five composite calls failed");
        }
    }

    @Test
    void theBusyWorkerGaugeNeverExceedsTheWorkers() throws Exception {
        String scrape = client.send(HttpRequest.newBuilder(service.baseUri().resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(scrape.contains("sample_http_workers_busy{"), "the exact gauge is exported");
        assertTrue(scrape.contains("sample_http_workers{application=\"fearless-samples\"} " + SampleService.WORKERS + ".0"), scrape);
        assertFalse(scrape.contains("fearless_executor_active_tasks{application=\"fearless-samples\",name=\"http\"}"),
                "no unbounded http executor any more");
    }
}
