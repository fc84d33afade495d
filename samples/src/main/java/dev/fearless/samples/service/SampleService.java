package dev.fearless.samples.service;

import dev.fearless.bridge.Bridge;
import dev.fearless.bridge.LimitPolicy;
import dev.fearless.bridge.TaskRejectedException;
import dev.fearless.bridge.VirtualExecutor;
import dev.fearless.channel.Channel;
import dev.fearless.channel.ChannelClosedException;
import dev.fearless.lock.DeadlockWatchdog;
import dev.fearless.lock.LockOrderChecker;
import dev.fearless.metrics.FearlessMetrics;
import dev.fearless.scope.Scope;
import dev.fearless.scope.ScopeFailedException;
import dev.fearless.scope.Task;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.java21.instrument.binder.jdk.VirtualThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.Invocable.InvocationType;
import org.eclipse.jetty.util.thread.Scheduler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sample service: Jetty 12.1 (core, no servlets) in front, Fearless behind it, with endpoints
 * that use every part of Fearless:
 *
 * <table>
 *   <caption>Endpoints</caption>
 *   <tr><td>{@code GET /api/aggregate?deadlineMs=300}</td><td>scope fan-out with a deadline, partial results</td></tr>
 *   <tr><td>{@code GET /api/hedged}</td><td>{@code Scope.race}: hedged request, first success wins</td></tr>
 *   <tr><td>{@code POST /api/transfer}</td><td>multi-lock transfer between two accounts</td></tr>
 *   <tr><td>{@code GET /api/accounts/{id}}, {@code GET /api/total}</td><td>balance; the invariant total</td></tr>
 *   <tr><td>{@code POST /api/ingest?priority=urgent|bulk}, {@code GET /api/pipeline}</td><td>channels, workers, sink</td></tr>
 *   <tr><td>{@code GET /api/composite}</td><td>calls its own endpoints with {@code HttpClient.sendAsync} and {@code Bridge.await}</td></tr>
 *   <tr><td>{@code GET /metrics}, {@code /health}, {@code /ready}, {@code /dashboard}, {@code /dashboard/data}</td><td>operations</td></tr>
 * </table>
 *
 * <p>Jetty parses requests on a small platform pool and enforces the transport limits (idle
 * timeout, header size, connection cap); {@link Front} checks the request line and headers, reads
 * a body asynchronously (no thread waits for a slow client) and admits the request into one of
 * three lanes, each a Fearless construct:
 * <ul>
 *   <li>{@code api}: a bounded {@link Channel} ({@value #QUEUE_CAPACITY}) drained by
 *       {@value #WORKERS} worker tasks of the long-lived scope {@code http-workers}; when the
 *       channel is full, or the last request taken had waited over {@link #QUEUE_TARGET}, the
 *       request gets an immediate 503 with {@code Retry-After};
 *   <li>{@code ops} ({@code /metrics}, {@code /health}, {@code /ready}, the dashboard): a
 *       {@link VirtualExecutor} of its own on platform threads, so they answer under any load of
 *       the api lane without waiting behind its virtual threads for a carrier;
 *   <li>{@code self}: {@code /api/composite}'s calls to the service itself, marked with a
 *       per-process token, on a {@link VirtualExecutor} of their own, so composite requests
 *       holding workers never wait for workers.
 * </ul>
 *
 * <p>Run: {@code mvn -q -pl samples -am compile exec:exec} (port 8080; {@code -Dsample.args=--port=9090}).
 */
public final class SampleService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SampleService.class);

    /** Largest request body accepted; a larger declared one gets 413 without being read. */
    public static final int MAX_BODY_BYTES = 16 * 1024;
    /** A declared body up to this size is drained after its 413, so the answer is not lost to a reset. */
    static final long MAX_DRAINED_BYTES = 1024 * 1024;

    /** Largest request head (request line and headers); larger gets 431. */
    public static final int MAX_HEADER_BYTES = 8 * 1024;

    /** Most header fields in one request; more gets 431. */
    public static final int MAX_HEADER_COUNT = 64;

    /** Connections open at once; beyond it Jetty stops accepting until one closes. */
    public static final int MAX_CONNECTIONS = 4_096;

    /** Requests of the api lane waiting for a worker; beyond it, 503 at once. */
    public static final int QUEUE_CAPACITY = 128;

    /**
     * Worker tasks of the api lane: api requests handled at once. Sized so that the work leaves
     * CPU to the door on two cores: at 64, composite requests (each two self-calls and up to two
     * backend calls) kept both cores saturated and the selector threads that parse and refuse
     * waited for them (hostile run: 503 p99 0.5-1.1 s at the client); at 32, 51 ms.
     */
    public static final int WORKERS = 32;

    /** A connection silent this long (between requests or in the middle of one) is closed. */
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(3);

    /**
     * A connection that neither starts nor finishes a request for this long is closed: a request
     * head dripped in, a byte at a time, just faster than {@link #IDLE_TIMEOUT}. Longer than the
     * slowest answer (a 10 s aggregate deadline after a 1 s queue wait).
     */
    public static final Duration HEAD_TIMEOUT = Duration.ofSeconds(15);

    /** A request body must arrive completely within this; otherwise 408 and the connection closes. */
    public static final Duration BODY_TIMEOUT = Duration.ofSeconds(5);

    /**
     * An api request that has waited this long for a worker is answered 503 then (a timer, not the
     * next free worker, answers it) and is not processed; {@link #SHEDDING_QUEUE_WAIT} while the
     * service is shedding load.
     */
    public static final Duration MAX_QUEUE_WAIT = Duration.ofSeconds(1);

    /**
     * The wait allowed to an api request admitted within a second of a refusal at the door (the
     * service is shedding load, and admits a request only for a free worker): a refusal is then
     * never late. Answered at dequeue after 1 s, the
     * late 503s were 3-9 % of the hostile run's refusals, so their 99th percentile was over 1 s by
     * construction; outside overload a request may wait {@link #MAX_QUEUE_WAIT} (a JIT-cold or
     * CPU-starved service is slow, not overloaded).
     */
    public static final Duration SHEDDING_QUEUE_WAIT = Duration.ofMillis(80);

    /**
     * While the last request a worker took had waited longer than this for it (and requests are
     * still waiting), a new api request gets its 503 at once instead of joining the queue: the
     * queue's sojourn time, as CoDel measures it, keeps refusals immediate and queueing short,
     * where a queue bounded only by its length filled with requests that {@link #MAX_QUEUE_WAIT}
     * then refused.
     */
    public static final Duration QUEUE_TARGET = Duration.ofMillis(50);

    /** How long close() lets requests in progress finish before it stops the server. */
    public static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);

    static final int OPS_LIMIT = 16;
    /** Self-calls at once per worker: composite makes two ({@code /api/total}, {@code /api/hedged}). */
    static final int SELF_CALLS_PER_WORKER = 2;
    static final String SELF_CALL_HEADER = "X-Fearless-Self-Call";

    /** Number of accounts and each account's opening balance. */
    public static final int ACCOUNTS = 10;
    /** Opening balance of each account. */
    public static final long INITIAL_BALANCE = 1_000_000;
    /** Largest amount one transfer may move. */
    public static final long MAX_AMOUNT = 1_000_000_000L;

    static final Duration DEFAULT_DEADLINE = Duration.ofMillis(300);
    static final Duration INGEST_WAIT = Duration.ofMillis(500);
    static final Duration SELF_CALL_TIMEOUT = Duration.ofSeconds(2);

    /** The lifecycle {@code /ready} reports. */
    enum State { STARTING, READY, DRAINING, STOPPED }

    private final PrometheusMeterRegistry registry;
    private final FearlessMetrics fearlessMetrics;
    private final JvmGcMetrics gcMetrics;
    private final VirtualThreadMetrics virtualThreadMetrics;
    private final DeadlockWatchdog watchdog;
    private final Bank bank;
    private final Backends backends;
    private final RequestTracing tracing = new RequestTracing();
    private final Pipeline pipeline;
    private final DashboardData dashboardData;
    private final byte[] dashboardPage;

    private final int workers;
    private final Duration maxQueueWait;
    private final Duration sheddingQueueWait;
    private final Channel<Exchange> queue;
    private final AtomicInteger busyWorkers = new AtomicInteger();
    /** How long the request a worker took last had waited in the queue (CoDel's sojourn time). */
    private volatile long lastSojournNanos;
    /** When the door last refused an api request (System.nanoTime), or a second before the start. */
    private volatile long lastRefusalNanos = System.nanoTime() - TimeUnit.SECONDS.toNanos(1);
    private final Counter abandoned;
    private final Counter headTimeouts;
    private final Timer refusals;
    private final Thread workersOwner;
    private final VirtualExecutor ops;
    private final VirtualExecutor self;
    private final String selfToken = UUID.randomUUID().toString();
    private final Server server;
    private final ServerConnector connector;
    private final GracefulHandler graceful;
    private final HttpClient client;
    private volatile State state = State.STARTING;
    private final Object closeLock = new Object();

    private SampleService(String host, int port, int workers, int queueCapacity, Duration maxQueueWait) throws Exception {
        this.workers = workers;
        this.maxQueueWait = maxQueueWait;
        this.sheddingQueueWait = maxQueueWait.compareTo(SHEDDING_QUEUE_WAIT) < 0 ? maxQueueWait : SHEDDING_QUEUE_WAIT;
        this.queue = Channel.buffered(queueCapacity, "http.queue");
        if (LockOrderChecker.mode() == LockOrderChecker.Mode.OFF) {
            LockOrderChecker.setMode(LockOrderChecker.Mode.WARN);  // log and count lock-order inversions
        }
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("application", "fearless-samples");
        fearlessMetrics = FearlessMetrics.builder().timeLockHolds(true).build(); // the dashboard shows hold times
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
        Gauge.builder("sample.http.workers.busy", busyWorkers, AtomicInteger::get)
                .description("api-lane workers handling a request now (exact; at most sample_http_workers)")
                .register(registry);
        Gauge.builder("sample.http.workers", () -> workers).register(registry);
        abandoned = Counter.builder("sample.http.abandoned")
                .description("admitted requests not processed because their client was gone").register(registry);
        refusals = Timer.builder("sample.http.refusals")
                .description("api requests refused for load (at the door or by their queue timer): from the request's"
                        + " first byte to its 503, inside the service")
                .publishPercentiles(0.5, 0.99).register(registry);
        headTimeouts = Counter.builder("sample.http.head.timeouts")
                .description("connections closed for making no progress in " + HEAD_TIMEOUT).register(registry);

        watchdog = DeadlockWatchdog.start(Duration.ofSeconds(5)); // real deadlocks, virtual threads included
        bank = new Bank(ACCOUNTS, INITIAL_BALANCE);
        backends = new Backends(64, tracing);
        pipeline = new Pipeline(2);
        dashboardData = new DashboardData(registry);
        dashboardPage = resource("dashboard.html");

        // The ops lane runs on platform threads: the OS schedules each beside the two carriers,
        // where a virtual thread would start behind every runnable api-lane virtual thread.
        ops = VirtualExecutor.builder().name("ops").limit(OPS_LIMIT, LimitPolicy.reject())
                .threadFactory(Thread.ofPlatform().name("ops-", 0).daemon().factory()).build();
        // as many self-calls as the workers can make at once, so that a composite admitted by the api
        // lane is never refused by its own service (it was at 64: 288 late 503s in one hostile run)
        self = VirtualExecutor.builder().name("self").limit(SELF_CALLS_PER_WORKER * workers, LimitPolicy.reject()).build();
        workersOwner = Thread.ofPlatform().name("http-workers-owner").daemon().start(this::runWorkers);

        QueuedThreadPool jettyThreads = new QueuedThreadPool(32, 4);   // parsing and admission only
        jettyThreads.setName("jetty");
        server = new Server(jettyThreads);
        HttpConfiguration config = new HttpConfiguration();
        config.setRequestHeaderSize(MAX_HEADER_BYTES);
        config.setSendServerVersion(false);
        config.setSendXPoweredBy(false);
        config.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        config.setUseInputDirectByteBuffers(false);          // buffers on the heap: -Xmx bounds them too
        config.setUseOutputDirectByteBuffers(false);
        config.setOutputBufferSize(8 * 1024);                 // answers are small; 2,000 connections x 32 KiB is not
        // No per-connection header field cache: Jetty builds one (an ArrayTrie of 1,024 entries, a
        // 96 KiB char[]) for every connection that sent a header, and keeps it while the connection
        // lives. The hostile run's JFR (jdk.OldObjectSample) showed 2,000 of them held ~190 MiB of
        // a 256 MiB heap: back-to-back full GCs of 0.5-1 s, the heap (and RSS) at its maximum.
        config.setHeaderCacheSize(0);
        // Two selectors: the front handler is non-blocking, so Jetty parses, admits and refuses on
        // the selector thread itself; one selector made every request of 2,000 connections queue for
        // one thread (the hostile run, shared machine: 503 p99 3.7 s -> 2.6 s with two, inside the
        // service 570 -> 168 ms).
        connector = new ServerConnector(server, 1, 2, new HttpConnectionFactory(config));
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        connector.setAcceptQueueSize(1024);
        connector.addBean(new HeadDeadline());
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, connector));
        server.setErrorHandler(new JsonErrorHandler());
        graceful = new GracefulHandler(new Front());
        server.setHandler(graceful);
        server.setStopTimeout(DRAIN_TIMEOUT.toMillis());
        server.setStopAtShutdown(false);                     // close() is the one shutdown path
        try {
            server.start();
        } catch (Exception e) {
            closeComponents();
            throw e;
        }
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        state = State.READY;
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
        return start(host, port, WORKERS, QUEUE_CAPACITY);
    }

    /** For tests: a service with a smaller api lane. */
    static SampleService start(String host, int port, int workers, int queueCapacity) throws IOException {
        return start(host, port, workers, queueCapacity, MAX_QUEUE_WAIT);
    }

    /** For tests: a smaller api lane whose requests may wait {@code maxQueueWait} for a worker. */
    static SampleService start(String host, int port, int workers, int queueCapacity, Duration maxQueueWait)
            throws IOException {
        try {
            return new SampleService(InetAddress.getByName(host).getHostAddress(), port, workers, queueCapacity,
                    maxQueueWait);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot start the server on " + host + ":" + port, e);
        }
    }

    /**
     * Starts the service and runs until the JVM is stopped (SIGTERM, SIGINT), or, with
     * {@code -Dfearless.stopWithParent=true} (set by {@code exec:exec}), until the process that
     * launched it is gone.
     *
     * @param args {@code --port=N} (default: system property {@code fearless.port}, else 8080),
     *     {@code --host=H} (default 127.0.0.1)
     * @throws Exception if the server cannot start
     */
    public static void main(String[] args) throws Exception {
        String host = System.getProperty("fearless.host", "127.0.0.1");
        int port = Integer.getInteger("fearless.port", 8080);
        for (String arg : args) {
            for (String part : arg.trim().split("\\s+")) {       // exec:exec passes -Dsample.args as one argument
                if (part.startsWith("--port=")) {
                    port = Integer.parseInt(part.substring("--port=".length()));
                } else if (part.startsWith("--host=")) {
                    host = part.substring("--host=".length());
                } else if (!part.isBlank()) {
                    throw new IllegalArgumentException("unknown argument: " + part + " (expected --port=N or --host=H)");
                }
            }
        }
        SampleService service = start(host, port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {   // SIGTERM, SIGINT, System.exit
            service.close();
            stopped.countDown();
        }, "sample-service-shutdown"));
        if (Boolean.getBoolean("fearless.stopWithParent")) {
            ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
                log.info("the launching process {} is gone; stopping", parent.pid());
                System.exit(0);                                   // runs the shutdown hook
            }));
        }
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
        return connector.getLocalPort();
    }

    /**
     * Returns {@code http://host:port/}.
     *
     * @return the base URI
     */
    public URI baseUri() {
        String host = connector.getHost();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/");
    }

    /**
     * Stops gracefully: {@code /ready} turns false, the server stops accepting, requests in progress
     * (queued ones included) get up to {@link #DRAIN_TIMEOUT} to finish, then the workers, the
     * lanes, the pipeline (every accepted document counted) and the other scopes close.
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (state == State.STOPPED) {
                return;
            }
            state = State.DRAINING;
            try {
                // closes the connector (no new connections), then waits up to the stop timeout
                // (DRAIN_TIMEOUT) for the GracefulHandler to see every request in progress end
                server.stop();
            } catch (Exception e) {
                log.warn("stopping the server failed", e);
            }
            closeComponents();
            client.close();
            state = State.STOPPED;
        }
    }

    private void closeComponents() {
        queue.done();                                        // workers drain what is queued, then end
        try {
            workersOwner.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ops.close();
        self.close();
        pipeline.close();
        backends.close();
        tracing.close();
        watchdog.close();
        virtualThreadMetrics.close();
        gcMetrics.close();
        fearlessMetrics.close();
        registry.close();
    }

    // ------------------------------------------------------------------ admission

    /** A request admitted past the front: what the handlers read, and how the answer is written. */
    static final class Exchange {
        final Request request;
        final Response response;
        final Callback callback;
        final String method;
        final String path;
        final Route route;
        final byte[] body;
        final long admittedNanos = System.nanoTime();
        /** Set by whoever answers a queued request: its worker, or its expiry. */
        final AtomicBoolean claimed = new AtomicBoolean();
        volatile Scheduler.@Nullable Task expiry;
        /** How long it may wait for a worker; set before it can be taken. */
        volatile Duration maxWait = MAX_QUEUE_WAIT;
        volatile boolean gone;

        Exchange(Request request, Response response, Callback callback, Route route, byte[] body) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.method = request.getMethod();
            this.path = Request.getPathInContext(request);
            this.route = route;
            this.body = body;
            request.addFailureListener(_ -> gone = true);   // the client went away or timed out
        }

        /**
         * Whether the client has gone: Jetty saw the connection fail (idle timeout, a failed write),
         * or a read finds the client closed its side (FIN) or reset the connection. Jetty does not
         * read a connection while its request is handled, so a client that closed quietly is seen
         * only by this read, which never waits: one byte at most, and a byte read (the start of a
         * pipelined request) is handed back to the connection's request buffer, where Jetty parses
         * it after this answer. A half-close (FIN) counts as gone, as nginx's 499 does; a client
         * that wants its answer keeps its side open.
         */
        boolean clientGone() {
            if (gone) {
                return true;
            }
            Connection connection = request.getConnectionMetaData().getConnection();
            EndPoint endPoint = connection.getEndPoint();
            if (!endPoint.isOpen() || endPoint.isInputShutdown()) {
                return true;
            }
            ByteBuffer probe = BufferUtil.allocate(1);       // empty, in flush mode: fill appends
            try {
                int read = endPoint.fill(probe);
                if (read > 0 && connection instanceof Connection.UpgradeTo pipelined) {
                    pipelined.onUpgradeTo(probe);            // appends to the request buffer
                }
                return read < 0;
            } catch (IOException e) {                         // reset by the client
                return true;
            }
        }
    }

    /** What a handler answers. */
    record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
        static Reply json(int status, Object value) {
            return new Reply(status, "application/json", Json.write(value).getBytes(StandardCharsets.UTF_8), Map.of());
        }
    }

    /** A 4xx or 5xx answer with a JSON error body. */
    static final class HttpError extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final String code;
        final transient Map<String, String> headers;

        HttpError(int status, String code, String message) {
            this(status, code, message, Map.of());
        }

        HttpError(int status, String code, String message, Map<String, String> headers) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
            this.headers = headers;
        }

        Reply reply() {
            Reply body = Reply.json(status, object("error", code, "message", getMessage()));
            return new Reply(status, body.contentType(), body.body(), headers);
        }
    }

    private static HttpError overloaded(String what) {
        return new HttpError(503, "overloaded", what + "; retry in a second", Map.of("Retry-After", "1"));
    }

    /** The lanes requests are admitted into. */
    enum Lane { API, OPS }

    /** A known path: the methods it accepts, its lane, and whether it changes state. */
    record Route(String name, String method, Lane lane, boolean stateChanging) {
        String allow() {
            return method.equals("GET") ? "GET, HEAD" : method;
        }

        boolean accepts(String requestMethod) {
            return requestMethod.equals(method) || (method.equals("GET") && requestMethod.equals("HEAD"));
        }
    }

    private static final Map<String, Route> ROUTES = Map.ofEntries(
            route("/api/aggregate", "GET", Lane.API, false),
            route("/api/hedged", "GET", Lane.API, false),
            route("/api/transfer", "POST", Lane.API, true),
            route("/api/total", "GET", Lane.API, false),
            route("/api/ingest", "POST", Lane.API, true),
            route("/api/pipeline", "GET", Lane.API, false),
            route("/api/composite", "GET", Lane.API, false),
            route("/metrics", "GET", Lane.OPS, false),
            route("/health", "GET", Lane.OPS, false),
            route("/ready", "GET", Lane.OPS, false),
            route("/dashboard", "GET", Lane.OPS, false),
            route("/dashboard/", "GET", Lane.OPS, false),
            route("/dashboard/data", "GET", Lane.OPS, false),
            StructureEndpoint.route(),                      // GET /debug/structure; turns structure tracking on
            route("/", "GET", Lane.OPS, false));
    private static final Route ACCOUNT = new Route("/api/accounts/", "GET", Lane.API, false);

    private static Map.Entry<String, Route> route(String path, String method, Lane lane, boolean stateChanging) {
        return Map.entry(path, new Route(path, method, lane, stateChanging));
    }

    /**
     * The first handler: runs on a Jetty thread, never blocks. It checks what can be checked from
     * the request head, reads a body without holding a thread, and admits the request to a lane.
     */
    private final class Front extends Handler.Abstract {
        Front() {
            super(InvocationType.NON_BLOCKING);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            try {
                Route route = check(request);
                long length = request.getLength();
                boolean hasBody = length > 0 || (length < 0 && request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING));
                if (!hasBody) {
                    admit(request, response, callback, route, new byte[0]);
                } else if (length > MAX_BODY_BYTES && length <= MAX_DRAINED_BYTES) {
                    // Answered before the body is read; the body is then read and dropped, so that
                    // closing the connection does not reset it (RST) before the client has read the
                    // 413 - a client still sending its body would otherwise see no answer at all.
                    write(request, response, Callback.from(() -> Content.Source.consumeAll(request, callback),
                            callback::failed), tooLarge().reply());
                } else if (length > MAX_BODY_BYTES) {
                    throw tooLarge();                           // far too large to drain: answer and close
                } else {
                    readBody(request, response, callback, route);
                }
            } catch (HttpError e) {
                write(request, response, callback, e.reply());
            }
            return true;
        }
    }

    /** The checks of the request head: host, route, method, header count, content type, origin. */
    private Route check(Request request) throws HttpError {
        HttpFields headers = request.getHeaders();
        if (headers.size() > MAX_HEADER_COUNT) {
            throw new HttpError(431, "headers_too_large", "at most " + MAX_HEADER_COUNT + " header fields");
        }
        String host = headers.get(HttpHeader.HOST);
        if (host == null || !allowedHost(host)) {
            throw new HttpError(403, "forbidden_host", "unexpected Host header: " + Json.excerpt(host));
        }
        String path = Request.getPathInContext(request);
        Route route = ROUTES.get(path);
        if (route == null && path.startsWith(ACCOUNT.name()) && path.length() > ACCOUNT.name().length()) {
            route = ACCOUNT;
        }
        if (route == null) {
            throw new HttpError(404, "not_found", "no such endpoint: " + Json.excerpt(path));
        }
        String method = request.getMethod();
        if (!route.accepts(method)) {
            throw new HttpError(405, "method_not_allowed", "use " + route.allow() + ", not " + Json.excerpt(method),
                    Map.of("Allow", route.allow()));
        }
        if (route.stateChanging()) {
            String origin = headers.get(HttpHeader.ORIGIN);
            if (origin != null && !allowedHost(originHost(origin))) {
                throw new HttpError(403, "forbidden_origin", "cross-origin requests are refused: " + Json.excerpt(origin));
            }
            String type = headers.get(HttpHeader.CONTENT_TYPE);
            String mime = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            if (!mime.equals("application/json")) {
                throw new HttpError(415, "unsupported_media_type",
                        "send Content-Type: application/json, not " + (type == null ? "none" : Json.excerpt(type)));
            }
        }
        return route;
    }

    private static String originHost(String origin) {
        String lower = origin.toLowerCase(Locale.ROOT);
        return lower.startsWith("http://") ? lower.substring("http://".length()) : "";
    }

    /**
     * Whether a Host header (or an Origin's host) names this service: its bound address, or a
     * loopback name, with its port. Anything else is a misdirected request or DNS rebinding.
     */
    private boolean allowedHost(String hostAndPort) {
        String value = hostAndPort.toLowerCase(Locale.ROOT);
        String suffix = ":" + port();
        if (!value.endsWith(suffix)) {
            return false;
        }
        String name = value.substring(0, value.length() - suffix.length());
        String bound = connector.getHost();
        return name.equals("localhost") || name.equals("127.0.0.1") || name.equals("[::1]")
                || name.equals(bound.contains(":") ? "[" + bound + "]" : bound);
    }

    /**
     * Reads the body as it arrives, holding no thread: at most {@link #MAX_BODY_BYTES} (more is 413)
     * within {@link #BODY_TIMEOUT} (later is 408, and the connection closes); then admits the request.
     */
    private void readBody(Request request, Response response, Callback callback, Route route) {
        AtomicBoolean settled = new AtomicBoolean();
        Scheduler.Task timer = server.getScheduler().schedule(() -> {
            if (settled.compareAndSet(false, true)) {
                write(request, response, callback, bodyTimeout().reply());
            }
        }, BODY_TIMEOUT);
        Content.Source.asByteArrayAsync(request, MAX_BODY_BYTES, Promise.Invocable.from(InvocationType.NON_BLOCKING,
                body -> {
                    if (settled.compareAndSet(false, true)) {
                        timer.cancel();
                        admit(request, response, callback, route, body);
                    }
                },
                failure -> {
                    if (settled.compareAndSet(false, true)) {
                        timer.cancel();
                        if (failure instanceof IllegalStateException) {   // "Max size (16384) exceeded"
                            write(request, response, callback, tooLarge().reply());
                        } else if (failure instanceof TimeoutException) {   // silent for IDLE_TIMEOUT
                            write(request, response, callback, bodyTimeout().reply());
                        } else {
                            callback.failed(failure);                          // the client went away
                        }
                    }
                }));
    }

    /** Closes a connection that has made no progress (no request started or answered) for {@link #HEAD_TIMEOUT}. */
    private final class HeadDeadline implements Connection.Listener {
        @Override
        public void onOpened(Connection connection) {
            watch(connection, 0);
        }

        private void watch(Connection connection, long progressSeen) {
            server.getScheduler().schedule(() -> {
                if (!connection.getEndPoint().isOpen()) {
                    return;
                }
                long progress = connection.getMessagesIn() + connection.getMessagesOut();
                if (progress == progressSeen) {
                    headTimeouts.increment();
                    connection.getEndPoint().close();
                } else {
                    watch(connection, progress);
                }
            }, HEAD_TIMEOUT);
        }
    }

    /** Hands the request to its lane, or answers 503 at once when the lane is full. */
    private void admit(Request request, Response response, Callback callback, Route route, byte[] body) {
        Exchange exchange = new Exchange(request, response, callback, route, body);
        if (route.lane() == Lane.OPS) {
            submit(ops, exchange, "the operations lane is full");
        } else if (isSelfCall(request)) {
            submit(self, exchange, "the self-call lane is full");
        } else {
            boolean shedding = System.nanoTime() - lastRefusalNanos < TimeUnit.SECONDS.toNanos(1);
            exchange.maxWait = shedding ? sheddingQueueWait : maxQueueWait;
            boolean queued;
            // Shedding load, a request joins the queue only for a free worker: waiting there would
            // only make a later refusal (the expiry) of it. Otherwise the CoDel door decides.
            boolean admitted = shedding ? busyWorkers.get() + queue.size() < workers
                    : !(lastSojournNanos > QUEUE_TARGET.toNanos() && queue.size() > 0);
            try {
                queued = admitted && queue.trySend(exchange);
            } catch (ChannelClosedException e) {               // draining
                queued = false;
            }
            if (!queued) {
                lastRefusalNanos = System.nanoTime();
                refusals.record(lastRefusalNanos - request.getBeginNanoTime(), TimeUnit.NANOSECONDS);
                reply(exchange, overloaded(state == State.READY ? "the service is at capacity"
                        : "the service is stopping").reply());
            } else {
                try {
                    exchange.expiry = server.getScheduler().schedule(() -> {
                        if (exchange.claimed.compareAndSet(false, true)) {   // no worker took it in time
                            refusals.record(System.nanoTime() - request.getBeginNanoTime(), TimeUnit.NANOSECONDS);
                            reply(exchange, waitedTooLong(exchange).reply());
                        }
                    }, exchange.maxWait);
                } catch (RuntimeException e) {                 // the scheduler is stopping: the worker's check remains
                    log.debug("no expiry for a queued request", e);
                }
            }
        }
    }

    private static HttpError waitedTooLong(Exchange exchange) {
        return overloaded("the request waited " + exchange.maxWait.toMillis() + " ms for a worker");
    }

    private boolean isSelfCall(Request request) {
        return selfToken.equals(request.getHeaders().get(SELF_CALL_HEADER))
                && (request.getHttpURI().getPath().equals("/api/total") || request.getHttpURI().getPath().equals("/api/hedged"));
    }

    private void submit(VirtualExecutor lane, Exchange exchange, String full) {
        try {
            lane.execute(() -> serve(exchange));
        } catch (TaskRejectedException e) {
            reply(exchange, overloaded(full).reply());
        }
    }

    /** The api lane: {@code workers} tasks of one long-lived scope, each taking requests from the queue. */
    private void runWorkers() {
        try (var scope = Scope.builder().name("http-workers").open()) {
            for (int i = 0; i < workers; i++) {
                scope.fork(() -> {
                    for (Exchange exchange : queue) {              // until done() and drained
                        long sojourn = System.nanoTime() - exchange.admittedNanos;
                        lastSojournNanos = sojourn;
                        if (!exchange.claimed.compareAndSet(false, true)) {
                            continue;                              // expired: answered 503 already
                        }
                        Scheduler.Task expiry = exchange.expiry;
                        if (expiry != null) {
                            expiry.cancel();
                        }
                        busyWorkers.incrementAndGet();
                        try {
                            if (sojourn > exchange.maxWait.toNanos()) {  // the timer was late
                                reply(exchange, waitedTooLong(exchange).reply());
                            } else {
                                serve(exchange);
                            }
                        } catch (RuntimeException e) {             // a bug must not end the lane's worker
                            log.error("{} {} could not be answered", exchange.method, exchange.path, e);
                            exchange.callback.failed(e);
                        } finally {
                            busyWorkers.decrementAndGet();
                        }
                    }
                    return null;
                });
            }
            scope.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs the handler of an admitted request (any lane) and writes its answer. */
    @SuppressWarnings("try") // the span scope is held for its effect on the current span and the MDC
    private void serve(Exchange exchange) {
        if (exchange.clientGone()) {
            abandoned.increment();
            exchange.callback.failed(new EofException("the client went away before its request was handled"));  // quiet
            return;
        }
        Reply reply;
        Span span = tracing.start(exchange.method + " " + exchange.route.name());
        try (Tracer.SpanInScope inScope = tracing.inScope(span)) { // traceId in the MDC of every fork too
            reply = route(exchange);
        } catch (HttpError e) {
            reply = e.reply();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reply = overloaded("the service is stopping").reply();
        } catch (RuntimeException e) {
            log.error("{} {} failed", exchange.method, exchange.path, e);
            reply = new HttpError(500, "internal", "the request failed; see the service log").reply();
        } finally {
            span.end();
        }
        Map<String, String> headers = new LinkedHashMap<>(reply.headers());
        headers.put("X-Trace-Id", span.context().traceId()); // find the request's log lines by it
        reply(exchange, new Reply(reply.status(), reply.contentType(), reply.body(), headers));
    }

    private static void reply(Exchange exchange, Reply reply) {
        write(exchange.request, exchange.response, exchange.callback, reply);
    }

    /** Writes an answer without blocking; a HEAD request gets the headers only. */
    private static void write(Request request, Response response, Callback callback, Reply reply) {
        response.setStatus(reply.status());
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(HttpHeader.CONTENT_TYPE, reply.contentType());
        headers.put(HttpHeader.CACHE_CONTROL, "no-store");
        headers.put("X-Content-Type-Options", "nosniff");
        reply.headers().forEach(headers::put);
        headers.put(HttpHeader.CONTENT_LENGTH, reply.body().length);
        boolean head = request.getMethod().equals("HEAD");
        response.write(true, head ? null : ByteBuffer.wrap(reply.body()), callback);
    }

    // ------------------------------------------------------------------ routing

    private Reply route(Exchange exchange) throws HttpError, InterruptedException {
        Map<String, String> query = query(exchange.request.getHttpURI().getQuery());
        return switch (exchange.route.name()) {
            case "/api/aggregate" -> aggregate(query);
            case "/api/hedged" -> hedged();
            case "/api/transfer" -> transfer(exchange);
            case "/api/total" -> total();
            case "/api/ingest" -> ingest(exchange, query);
            case "/api/pipeline" -> Reply.json(200, pipeline.stats());
            case "/api/composite" -> composite();
            case "/api/accounts/" -> balance(exchange.path.substring("/api/accounts/".length()));
            case "/metrics" -> new Reply(200, "text/plain; version=0.0.4; charset=utf-8",
                    registry.scrape().getBytes(StandardCharsets.UTF_8), Map.of());
            case "/dashboard", "/dashboard/" -> new Reply(200, "text/html; charset=utf-8", dashboardPage, Map.of());
            case "/dashboard/data" -> Reply.json(200, dashboardData.snapshot());
            case StructureEndpoint.PATH -> StructureEndpoint.reply(exchange.request);
            case "/health" -> Reply.json(200, object("status", "up"));
            case "/ready" -> {
                State now = state;
                yield Reply.json(now == State.READY ? 200 : 503,
                        object("ready", now == State.READY, "state", now.name().toLowerCase(Locale.ROOT)));
            }
            case "/" -> Reply.json(200, object("status", "up", "dashboard", "/dashboard", "metrics", "/metrics",
                    "health", "/health", "ready", "/ready"));
            default -> throw new HttpError(404, "not_found", "no such endpoint: " + Json.excerpt(exchange.path));
        };
    }

    // ------------------------------------------------------------------ endpoints

    private Reply aggregate(Map<String, String> query) throws HttpError, InterruptedException {
        Duration deadline = DEFAULT_DEADLINE;
        String raw = query.get("deadlineMs");
        if (raw != null) {
            long millis;
            try {
                millis = raw.length() > 6 ? -1 : Long.parseLong(raw);
            } catch (NumberFormatException e) {
                throw new HttpError(400, "bad_request", "deadlineMs must be an integer: " + Json.excerpt(raw));
            }
            if (millis < 1 || millis > 10_000) {
                throw new HttpError(400, "bad_request", "deadlineMs must be between 1 and 10000: " + Json.excerpt(raw));
            }
            deadline = Duration.ofMillis(millis);
        }
        Backends.Aggregate result = backends.aggregate(deadline);
        if (result.results().isEmpty()) {
            if (result.refused()) {
                throw overloaded("every backend refused the call (at capacity)");
            }
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
        return Reply.json(200, body);
    }

    private Reply hedged() throws HttpError, InterruptedException {
        Backends.Hedged answer;
        try {
            answer = backends.hedged();
        } catch (ScopeFailedException e) {
            if (Backends.refused(e.getCause())) {
                throw overloaded("the replicas refused the call (at capacity)");
            }
            throw new HttpError(502, "replicas_failed", "both replicas failed: " + e.getCause().getMessage());
        }
        return Reply.json(200, object("value", answer.value(), "hedged", answer.hedged()));
    }

    private Reply transfer(Exchange exchange) throws HttpError {
        Map<String, Object> request = jsonBody(exchange);
        for (String key : request.keySet()) {
            if (!key.equals("from") && !key.equals("to") && !key.equals("amount")) {
                throw new HttpError(400, "bad_request", "unknown field \"" + Json.excerpt(key)
                        + "\"; expected from, to, amount");
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
            return Reply.json(200, body);
        } catch (Bank.UnknownAccountException e) {
            throw new HttpError(404, "unknown_account", Json.excerpt(e.getMessage()));
        } catch (Bank.InsufficientFundsException e) {
            throw new HttpError(409, "insufficient_funds", e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, "bad_request", Json.excerpt(e.getMessage()));
        }
    }

    /** The amount: a positive whole number at most MAX_AMOUNT; Json has bounded its magnitude already. */
    private static long amount(Object value) throws HttpError {
        if (value == null || value == Json.NULL) {
            throw new HttpError(400, "bad_request", "missing field \"amount\"");
        }
        if (!(value instanceof BigDecimal number)) {
            throw new HttpError(400, "bad_request", "amount must be a number: " + Json.excerpt(Json.write(value)));
        }
        if (number.signum() <= 0) {
            throw new HttpError(400, "bad_request", "amount must be positive");
        }
        if (number.stripTrailingZeros().scale() > 0) {
            throw new HttpError(400, "bad_request", "amount must be a whole number");
        }
        if (number.compareTo(BigDecimal.valueOf(MAX_AMOUNT)) > 0) {
            throw new HttpError(400, "bad_request", "amount must be at most " + MAX_AMOUNT);
        }
        return number.longValueExact();
    }

    private static String requireString(Map<String, Object> request, String key) throws HttpError {
        Object value = request.get(key);
        if (value == null || value == Json.NULL) {
            throw new HttpError(400, "bad_request", "missing field \"" + key + "\"");
        }
        if (!(value instanceof String string)) {
            throw new HttpError(400, "bad_request", key + " must be a string: " + Json.excerpt(Json.write(value)));
        }
        return string;
    }

    private Reply balance(String id) throws HttpError {
        OptionalLong balance = bank.balance(id);
        if (balance.isEmpty()) {
            throw new HttpError(404, "unknown_account", "unknown account: " + Json.excerpt(id));
        }
        return Reply.json(200, object("id", id, "balance", balance.getAsLong()));
    }

    private Reply total() {
        Bank.Total total = bank.total();
        return Reply.json(200, object("total", total.total(), "accounts", total.accounts()));
    }

    private Reply ingest(Exchange exchange, Map<String, String> query) throws HttpError, InterruptedException {
        String priority = query.getOrDefault("priority", "bulk");
        if (!priority.equals("bulk") && !priority.equals("urgent")) {
            throw new HttpError(400, "bad_request", "priority must be urgent or bulk: " + Json.excerpt(priority));
        }
        Map<String, Object> request = jsonBody(exchange);
        if (!request.keySet().equals(Set.of("text"))) {
            throw new HttpError(400, "bad_request", "expected exactly one field, \"text\"");
        }
        if (!(request.get("text") instanceof String text)) {
            throw new HttpError(400, "bad_request", "text must be a string");
        }
        if (text.isBlank()) {
            throw new HttpError(400, "bad_request", "text must hold some words");
        }
        if (!pipeline.ingest(text, priority.equals("urgent"), INGEST_WAIT)) {
            throw new HttpError(503, "pipeline_busy",
                    "the " + priority + " channel stayed full for " + INGEST_WAIT.toMillis() + " ms; retry later",
                    Map.of("Retry-After", "1"));
        }
        return Reply.json(202, object("accepted", true, "priority", priority));
    }

    /**
     * Calls this service's own {@code /api/total} and {@code /api/hedged} concurrently, through the
     * async {@link HttpClient}, awaiting each response from a task of a scope. The calls carry the
     * self-call token, so they run in the self lane, never behind the request that makes them.
     */
    private Reply composite() throws HttpError, InterruptedException {
        try (var scope = Scope.builder().name("composite").open()) {
            Task<Map<String, Object>> total = scope.fork(() -> selfCall("/api/total"));
            Task<Map<String, Object>> hedged = scope.fork(() -> selfCall("/api/hedged"));
            scope.join();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("total", total.get());
            body.put("hedged", hedged.get());
            return Reply.json(200, body);
        } catch (ScopeFailedException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpError error) {
                throw error;
            }
            if (cause instanceof TimeoutException) {
                throw new HttpError(504, "deadline_exceeded",
                        "a self-call took longer than " + SELF_CALL_TIMEOUT.toMillis() + " ms");
            }
            throw new HttpError(502, "self_call_failed", "a self-call failed: " + Json.excerpt(String.valueOf(cause)));
        }
    }

    private Map<String, Object> selfCall(String path) throws InterruptedException, TimeoutException, HttpError {
        HttpRequest request = HttpRequest.newBuilder(baseUri().resolve(path)).timeout(SELF_CALL_TIMEOUT)
                .header(SELF_CALL_HEADER, selfToken).GET().build();
        HttpResponse<String> response = Bridge.await(
                client.sendAsync(request, HttpResponse.BodyHandlers.ofString()), SELF_CALL_TIMEOUT);
        if (response.statusCode() == 503) {
            throw overloaded(path + " refused the self-call (at capacity)");
        }
        if (response.statusCode() != 200) {
            throw new HttpError(502, "self_call_failed", path + " answered " + response.statusCode() + ": "
                    + Json.excerpt(response.body()));
        }
        return Json.parseObject(response.body());
    }

    // ------------------------------------------------------------------ plumbing

    private static Map<String, Object> jsonBody(Exchange exchange) throws HttpError {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(exchange.body)).toString();
        } catch (CharacterCodingException e) {
            throw new HttpError(400, "malformed_json", "the body must be UTF-8");
        }
        try {
            return Json.parseObject(text);
        } catch (Json.MalformedJsonException e) {
            throw new HttpError(400, "malformed_json", e.getMessage());
        }
    }

    private static HttpError bodyTimeout() {
        return new HttpError(408, "request_timeout", "the body did not arrive in time (at most "
                + BODY_TIMEOUT.toMillis() + " ms, with no pause over " + IDLE_TIMEOUT.toMillis() + " ms)",
                Map.of("Connection", "close"));
    }

    private static HttpError tooLarge() {
        return new HttpError(413, "body_too_large", "request bodies are limited to " + MAX_BODY_BYTES + " bytes",
                Map.of("Connection", "close"));
    }

    private static Map<String, String> query(@Nullable String raw) throws HttpError {
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
                throw new HttpError(400, "bad_request", "malformed query: " + Json.excerpt(raw));
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

    /** The error code of the JSON body for a status that Jetty itself answers. */
    static String code(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 408 -> "request_timeout";
            case 413 -> "body_too_large";
            case 414 -> "uri_too_long";
            case 431 -> "headers_too_large";
            case 500 -> "internal";
            case 501 -> "not_implemented";
            case 503 -> "overloaded";
            default -> "http_" + status;
        };
    }

    /**
     * Jetty's own answers (bad request line or URI, bad Content-Length, head too large, failures
     * before a handler runs) in the service's JSON error shape, never an HTML page or an exception name.
     */
    static final class JsonErrorHandler extends ErrorHandler {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            int status = response.getStatus() >= 400 ? response.getStatus() : 500;
            Object message = request.getAttribute(ERROR_MESSAGE);
            String text = HttpStatus.getMessage(status);
            if (message instanceof String given && !given.isBlank() && status < 500) {
                text = given;
            }
            Reply reply = new HttpError(status, code(status), Json.excerpt(text)).reply();
            SampleService.write(request, response, callback, reply);
            return true;
        }

    }

    /** For tests: the bank's total. */
    long totalBalance() {
        return bank.total().total();
    }

    /** For tests: the lifecycle state. */
    State state() {
        return state;
    }

    /** For tests: an account's handle, whose lock a test holds to keep a transfer's worker waiting. */
    dev.fearless.handle.Shared<Long> account(String id) {
        return bank.handle(id);
    }

    /** For tests: api requests admitted and waiting for a worker. */
    int queued() {
        return queue.size();
    }

    /** For tests: admitted requests not processed because their client was gone. */
    long abandoned() {
        return (long) abandoned.count();
    }

    /** For tests: workers handling a request now. */
    int busyWorkers() {
        return busyWorkers.get();
    }
}
