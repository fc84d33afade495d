package dev.fearless.samples.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fearless.bridge.Bridge;
import dev.fearless.bridge.LimitPolicy;
import dev.fearless.bridge.VirtualExecutor;
import dev.fearless.lock.DeadlockWatchdog;
import dev.fearless.lock.LockOrderChecker;
import dev.fearless.metrics.FearlessMetrics;
import dev.fearless.scope.Scope;
import dev.fearless.scope.ScopeFailedException;
import dev.fearless.scope.Task;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.java21.instrument.binder.jdk.VirtualThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sample service: an HTTP server on the JDK's {@link HttpServer}, each exchange on a virtual
 * thread of a {@link VirtualExecutor} ({@code http}, at most {@value #HTTP_LIMIT} at once, the rest
 * queued), with endpoints that use every part of Fearless:
 *
 * <table>
 *   <caption>Endpoints</caption>
 *   <tr><td>{@code GET /api/aggregate?deadlineMs=300}</td><td>scope fan-out with a deadline, partial results</td></tr>
 *   <tr><td>{@code GET /api/hedged}</td><td>{@code Scope.race}: hedged request, first success wins</td></tr>
 *   <tr><td>{@code POST /api/transfer}</td><td>multi-lock transfer between two accounts</td></tr>
 *   <tr><td>{@code GET /api/accounts/{id}}, {@code GET /api/total}</td><td>balance; the invariant total</td></tr>
 *   <tr><td>{@code POST /api/ingest?priority=urgent|bulk}, {@code GET /api/pipeline}</td><td>channels, workers, sink</td></tr>
 *   <tr><td>{@code GET /api/composite}</td><td>calls its own endpoints with {@code HttpClient.sendAsync} and {@code Bridge.await}</td></tr>
 *   <tr><td>{@code GET /metrics}, {@code GET /dashboard}, {@code GET /dashboard/data}</td><td>Prometheus text, live dashboard</td></tr>
 * </table>
 *
 * <p>Run: {@code mvn -q -pl samples -am compile exec:exec} (port 8080; {@code -Dsample.args=--port=9090}).
 */
public final class SampleService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SampleService.class);

    /** Largest request body accepted; larger ones get 413. */
    public static final int MAX_BODY_BYTES = 16 * 1024;

    /** Exchanges handled at once; more wait for a permit on their own virtual thread. */
    static final int HTTP_LIMIT = 256;

    /** Number of accounts and each account's opening balance. */
    public static final int ACCOUNTS = 10;
    /** Opening balance of each account. */
    public static final long INITIAL_BALANCE = 1_000_000;
    /** Largest amount one transfer may move. */
    public static final long MAX_AMOUNT = 1_000_000_000L;

    static final Duration DEFAULT_DEADLINE = Duration.ofMillis(300);
    static final Duration INGEST_WAIT = Duration.ofMillis(500);
    static final Duration SELF_CALL_TIMEOUT = Duration.ofSeconds(2);

    private final PrometheusMeterRegistry registry;
    private final FearlessMetrics fearlessMetrics;
    private final JvmGcMetrics gcMetrics;
    private final VirtualThreadMetrics virtualThreadMetrics;
    private final DeadlockWatchdog watchdog;
    private final VirtualExecutor http;
    private final HttpServer server;
    private final HttpClient client;
    private final Bank bank;
    private final Backends backends;
    private final Pipeline pipeline;
    private final DashboardData dashboardData;
    private final byte[] dashboardPage;

    private SampleService(InetSocketAddress address) throws IOException {
        if (LockOrderChecker.mode() == LockOrderChecker.Mode.OFF) {
            LockOrderChecker.setMode(LockOrderChecker.Mode.WARN);  // log and count lock-order inversions
        }
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("application", "fearless-samples");
        fearlessMetrics = new FearlessMetrics();
        fearlessMetrics.bindTo(registry);                    // before the components, so it sees them created
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        virtualThreadMetrics = new VirtualThreadMetrics();
        virtualThreadMetrics.bindTo(registry);

        watchdog = DeadlockWatchdog.start(Duration.ofSeconds(5)); // real deadlocks, virtual threads included
        bank = new Bank(ACCOUNTS, INITIAL_BALANCE);
        backends = new Backends(64);
        pipeline = new Pipeline(2);
        dashboardData = new DashboardData(registry);
        dashboardPage = resource("dashboard.html");

        http = VirtualExecutor.builder().name("http").limit(HTTP_LIMIT, LimitPolicy.enqueue()).build();
        server = HttpServer.create(address, 1024);
        server.setExecutor(http);
        server.createContext("/", this::handle);
        server.start();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
    }

    /**
     * Starts the service on {@code host:port}; port 0 picks a free port.
     *
     * @param host the address to bind, normally a loopback address
     * @param port the port, or 0
     * @return the running service
     * @throws IOException if the server cannot bind
     */
    public static SampleService start(String host, int port) throws IOException {
        return new SampleService(new InetSocketAddress(InetAddress.getByName(host), port));
    }

    /**
     * Starts the service and runs until the JVM is stopped (Ctrl-C).
     *
     * @param args {@code --port=N} (default: system property {@code fearless.port}, else 8080),
     *     {@code --host=H} (default 127.0.0.1)
     * @throws Exception if the server cannot start
     */
    public static void main(String[] args) throws Exception {
        String host = System.getProperty("fearless.host", "127.0.0.1");
        int port = Integer.getInteger("fearless.port", 8080);
        for (String arg : args) {
            if (arg.startsWith("--port=")) {
                port = Integer.parseInt(arg.substring("--port=".length()));
            } else if (arg.startsWith("--host=")) {
                host = arg.substring("--host=".length());
            } else if (!arg.isBlank()) {
                throw new IllegalArgumentException("unknown argument: " + arg + " (expected --port=N or --host=H)");
            }
        }
        SampleService service = start(host, port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "sample-service-shutdown"));
        System.out.println("Fearless sample service on " + service.baseUri()
                + "  (dashboard: " + service.baseUri().resolve("/dashboard") + ", Ctrl-C to stop)");
        stopped.await();
    }

    /**
     * Returns the port the server listens on.
     *
     * @return the port
     */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Returns {@code http://host:port/}.
     *
     * @return the base URI
     */
    public URI baseUri() {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":" + port() + "/");
    }

    /** Stops accepting, waits up to a second for exchanges in progress, drains the pipeline. */
    @Override
    public void close() {
        server.stop(1);
        http.close();
        pipeline.close();
        backends.close();
        watchdog.close();
        client.close();
        virtualThreadMetrics.close();
        gcMetrics.close();
        fearlessMetrics.close();
        registry.close();
    }

    // ------------------------------------------------------------------ routing

    /** A 4xx or 5xx answer with a JSON error body. */
    static final class HttpError extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final String code;

        HttpError(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            try {
                route(exchange);
            } catch (HttpError e) {
                drain(exchange);
                sendJson(exchange, e.status, object("error", e.code, "message", e.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                sendJson(exchange, 503, object("error", "shutting_down", "message", "the service is stopping"));
            } catch (RuntimeException e) {
                log.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                sendJson(exchange, 500, object("error", "internal", "message", String.valueOf(e)));
            }
        } catch (IOException e) {
            log.debug("client went away: {}", e.toString());
        }
    }

    private void route(HttpExchange exchange) throws IOException, HttpError, InterruptedException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        switch (path) {
            case "/api/aggregate" -> { requireMethod(method, "GET"); aggregate(exchange, query); }
            case "/api/hedged" -> { requireMethod(method, "GET"); hedged(exchange); }
            case "/api/transfer" -> { requireMethod(method, "POST"); transfer(exchange); }
            case "/api/total" -> { requireMethod(method, "GET"); total(exchange); }
            case "/api/ingest" -> { requireMethod(method, "POST"); ingest(exchange, query); }
            case "/api/pipeline" -> { requireMethod(method, "GET"); sendJson(exchange, 200, pipeline.stats()); }
            case "/api/composite" -> { requireMethod(method, "GET"); composite(exchange); }
            case "/metrics" -> {
                requireMethod(method, "GET");
                send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8",
                        registry.scrape().getBytes(StandardCharsets.UTF_8));
            }
            case "/dashboard", "/dashboard/" -> {
                requireMethod(method, "GET");
                send(exchange, 200, "text/html; charset=utf-8", dashboardPage);
            }
            case "/dashboard/data" -> { requireMethod(method, "GET"); sendJson(exchange, 200, dashboardData.snapshot()); }
            case "/", "/health" -> {
                requireMethod(method, "GET");
                sendJson(exchange, 200, object("status", "up", "dashboard", "/dashboard", "metrics", "/metrics"));
            }
            default -> {
                if (path.startsWith("/api/accounts/")) {
                    requireMethod(method, "GET");
                    balance(exchange, path.substring("/api/accounts/".length()));
                } else {
                    throw new HttpError(404, "not_found", "no such endpoint: " + path);
                }
            }
        }
    }

    // ------------------------------------------------------------------ endpoints

    private void aggregate(HttpExchange exchange, Map<String, String> query) throws IOException, HttpError,
            InterruptedException {
        Duration deadline = DEFAULT_DEADLINE;
        String raw = query.get("deadlineMs");
        if (raw != null) {
            long millis;
            try {
                millis = Long.parseLong(raw);
            } catch (NumberFormatException e) {
                throw new HttpError(400, "bad_request", "deadlineMs must be an integer: " + raw);
            }
            if (millis < 1 || millis > 10_000) {
                throw new HttpError(400, "bad_request", "deadlineMs must be between 1 and 10000: " + millis);
            }
            deadline = Duration.ofMillis(millis);
        }
        Backends.Aggregate result = backends.aggregate(deadline);
        if (result.results().isEmpty()) {
            if (result.timedOut()) {
                throw new HttpError(504, "deadline_exceeded",
                        "no backend answered within " + deadline.toMillis() + " ms: " + result.missing());
            }
            throw new HttpError(502, "backends_failed", "every backend failed: " + result.missing());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("complete", result.missing().isEmpty());
        body.put("deadlineMs", deadline.toMillis());
        body.put("results", result.results());
        body.put("missing", result.missing());
        sendJson(exchange, 200, body);
    }

    private void hedged(HttpExchange exchange) throws IOException, HttpError, InterruptedException {
        Backends.Hedged answer;
        try {
            answer = backends.hedged();
        } catch (ScopeFailedException e) {
            throw new HttpError(502, "replicas_failed", "both replicas failed: " + e.getCause().getMessage());
        }
        sendJson(exchange, 200, object("value", answer.value(), "hedged", answer.hedged()));
    }

    private void transfer(HttpExchange exchange) throws IOException, HttpError {
        Map<String, Object> request = jsonBody(exchange);
        for (String key : request.keySet()) {
            if (!key.equals("from") && !key.equals("to") && !key.equals("amount")) {
                throw new HttpError(400, "bad_request", "unknown field \"" + key + "\"; expected from, to, amount");
            }
        }
        String from = requireString(request, "from");
        String to = requireString(request, "to");
        long amount = amount(request.get("amount"));
        try {
            Bank.Transfer done = bank.transfer(from, to, amount);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("from", object("id", done.from(), "balance", done.fromBalance()));
            body.put("to", object("id", done.to(), "balance", done.toBalance()));
            body.put("amount", done.amount());
            sendJson(exchange, 200, body);
        } catch (Bank.UnknownAccountException e) {
            throw new HttpError(404, "unknown_account", e.getMessage());
        } catch (Bank.InsufficientFundsException e) {
            throw new HttpError(409, "insufficient_funds", e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, "bad_request", e.getMessage());
        }
    }

    private static long amount(Object value) throws HttpError {
        if (value == null) {
            throw new HttpError(400, "bad_request", "missing field \"amount\"");
        }
        if (!(value instanceof BigDecimal number)) {
            throw new HttpError(400, "bad_request", "amount must be a number: " + Json.write(value));
        }
        if (number.signum() <= 0) {
            throw new HttpError(400, "bad_request", "amount must be positive: " + number.toPlainString());
        }
        if (number.stripTrailingZeros().scale() > 0) {
            throw new HttpError(400, "bad_request", "amount must be a whole number: " + number.toPlainString());
        }
        if (number.compareTo(BigDecimal.valueOf(MAX_AMOUNT)) > 0) {
            throw new HttpError(400, "bad_request", "amount must be at most " + MAX_AMOUNT + ": " + number.toPlainString());
        }
        return number.longValueExact();
    }

    private static String requireString(Map<String, Object> request, String key) throws HttpError {
        Object value = request.get(key);
        if (value == null) {
            throw new HttpError(400, "bad_request", "missing field \"" + key + "\"");
        }
        if (!(value instanceof String string)) {
            throw new HttpError(400, "bad_request", key + " must be a string: " + Json.write(value));
        }
        return string;
    }

    private void balance(HttpExchange exchange, String id) throws IOException, HttpError {
        OptionalLong balance = bank.balance(id);
        if (balance.isEmpty()) {
            throw new HttpError(404, "unknown_account", "unknown account: " + id);
        }
        sendJson(exchange, 200, object("id", id, "balance", balance.getAsLong()));
    }

    private void total(HttpExchange exchange) throws IOException {
        Bank.Total total = bank.total();
        sendJson(exchange, 200, object("total", total.total(), "accounts", total.accounts()));
    }

    private void ingest(HttpExchange exchange, Map<String, String> query) throws IOException, HttpError,
            InterruptedException {
        String priority = query.getOrDefault("priority", "bulk");
        if (!priority.equals("bulk") && !priority.equals("urgent")) {
            throw new HttpError(400, "bad_request", "priority must be urgent or bulk: " + priority);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body(exchange))).toString();
        } catch (CharacterCodingException e) {
            throw new HttpError(400, "bad_request", "body must be UTF-8 text");
        }
        if (text.isBlank()) {
            throw new HttpError(400, "bad_request", "body must hold some text");
        }
        if (!pipeline.ingest(text, priority.equals("urgent"), INGEST_WAIT)) {
            throw new HttpError(503, "pipeline_busy",
                    "the " + priority + " channel stayed full for " + INGEST_WAIT.toMillis() + " ms; retry later");
        }
        sendJson(exchange, 202, object("accepted", true, "priority", priority));
    }

    /**
     * Calls this service's own {@code /api/total} and {@code /api/hedged} concurrently, through the
     * async {@link HttpClient}, awaiting each response from a task of a scope.
     */
    private void composite(HttpExchange exchange) throws IOException, HttpError, InterruptedException {
        try (var scope = Scope.builder().name("composite").open()) {
            Task<Map<String, Object>> total = scope.fork(() -> selfCall("/api/total"));
            Task<Map<String, Object>> hedged = scope.fork(() -> selfCall("/api/hedged"));
            scope.join();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("total", total.get());
            body.put("hedged", hedged.get());
            sendJson(exchange, 200, body);
        } catch (ScopeFailedException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpError error) {
                throw error;
            }
            if (cause instanceof TimeoutException) {
                throw new HttpError(504, "deadline_exceeded",
                        "a self-call took longer than " + SELF_CALL_TIMEOUT.toMillis() + " ms");
            }
            throw new HttpError(502, "self_call_failed", "a self-call failed: " + cause);
        }
    }

    private Map<String, Object> selfCall(String path) throws InterruptedException, TimeoutException, HttpError {
        HttpRequest request = HttpRequest.newBuilder(baseUri().resolve(path)).timeout(SELF_CALL_TIMEOUT).GET().build();
        HttpResponse<String> response = Bridge.await(
                client.sendAsync(request, HttpResponse.BodyHandlers.ofString()), SELF_CALL_TIMEOUT);
        if (response.statusCode() != 200) {
            throw new HttpError(502, "self_call_failed", path + " answered " + response.statusCode() + ": " + response.body());
        }
        return Json.parseObject(response.body());
    }

    // ------------------------------------------------------------------ plumbing

    private static void requireMethod(String method, String expected) throws HttpError {
        if (!method.equals(expected)) {
            throw new HttpError(405, "method_not_allowed", "use " + expected + ", not " + method);
        }
    }

    private static Map<String, Object> jsonBody(HttpExchange exchange) throws IOException, HttpError {
        String text = new String(body(exchange), StandardCharsets.UTF_8);
        try {
            return Json.parseObject(text);
        } catch (Json.MalformedJsonException e) {
            throw new HttpError(400, "malformed_json", e.getMessage());
        }
    }

    /** Reads the body, refusing more than {@link #MAX_BODY_BYTES}. */
    private static byte[] body(HttpExchange exchange) throws IOException, HttpError {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > MAX_BODY_BYTES) {
                    throw tooLarge();
                }
            } catch (NumberFormatException e) {
                throw new HttpError(400, "bad_request", "bad Content-Length: " + length);
            }
        }
        byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        return body;
    }

    private static HttpError tooLarge() {
        return new HttpError(413, "body_too_large", "request bodies are limited to " + MAX_BODY_BYTES + " bytes");
    }

    /** Reads what is left of a refused body (up to 1 MiB), so the client sees the answer rather than a reset. */
    private static void drain(HttpExchange exchange) {
        try (InputStream in = exchange.getRequestBody()) {
            long left = 1 << 20;
            byte[] buffer = new byte[8192];
            for (int n; left > 0 && (n = in.read(buffer)) > 0; ) {
                left -= n;
            }
        } catch (IOException | RuntimeException e) {
            log.debug("could not drain a refused body: {}", e.toString());
        }
    }

    private static Map<String, String> query(String raw) throws HttpError {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            try {
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                query.put(key, value);
            } catch (IllegalArgumentException e) {
                throw new HttpError(400, "bad_request", "malformed query: " + raw);
            }
        }
        return query;
    }

    /** A JSON object with its members in the given order (Map.of's order is unspecified). */
    static Map<String, Object> object(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
        send(exchange, status, "application/json", Json.write(body).getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        exchange.getResponseBody().write(body);
    }

    private static byte[] resource(String name) {
        try (InputStream in = SampleService.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** For tests: the bank's total. */
    long totalBalance() {
        return bank.total().total();
    }
}
