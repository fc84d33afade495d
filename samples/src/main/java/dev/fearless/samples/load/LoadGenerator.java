package dev.fearless.samples.load;

import dev.fearless.bridge.Bridge;
import dev.fearless.bridge.LimitPolicy;
import dev.fearless.bridge.StageFailedException;
import dev.fearless.bridge.VirtualExecutor;
import dev.fearless.scope.Scope;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * Drives every endpoint of the sample service at a chosen rate for a chosen time, then prints a
 * summary per endpoint (sent, 2xx, documented 4xx and 5xx, undocumented answers, errors, p50 and
 * p99 latency) and checks that the bank's total is unchanged, that every request was answered
 * with a success or a documented error, and that every document the pipeline accepted reached its
 * sink. Exits with status 1 when a check fails.
 *
 * <p>Written with Fearless: one scope holds a pacing task per endpoint (each sleeps until its next
 * send time, so the rate does not drift), and the requests run on a {@link VirtualExecutor} whose
 * limit bounds the requests in flight ({@link LimitPolicy#block()}: a slow service slows the
 * pacers instead of piling up requests). Responses are awaited with {@link Bridge#await}.
 *
 * <pre>
 * mvn -q -pl samples -am compile exec:exec -Dsample.main=dev.fearless.samples.load.LoadGenerator \
 *     -Dsample.args="--url=http://127.0.0.1:8080/ --rate=200 --duration=20s"
 * </pre>
 */
public final class LoadGenerator {

    /** What to run. */
    public record Options(URI base, double rate, Duration duration, int inFlight) {
        /** Checks the values. */
        public Options {
            if (rate <= 0) {
                throw new IllegalArgumentException("rate must be positive: " + rate);
            }
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("duration must be positive: " + duration);
            }
            if (inFlight < 1) {
                throw new IllegalArgumentException("inFlight must be at least 1: " + inFlight);
            }
        }
    }

    /** One kind of request, its share of the rate and the statuses the service documents for it. */
    record Kind(String name, double share, Set<Integer> documented, Supplier<HttpRequest.Builder> request) {}

    /** Counts for one kind. */
    static final class Stats {
        final Kind kind;
        final AtomicLong sent = new AtomicLong();
        final AtomicLong ok = new AtomicLong();
        final AtomicLong client = new AtomicLong();     // documented 4xx
        final AtomicLong server = new AtomicLong();     // documented 5xx
        final AtomicLong undocumented = new AtomicLong();
        final AtomicLong errors = new AtomicLong();     // no answer: I/O error, timeout
        /** Latencies in nanoseconds, 1 µs to 1 h at three significant digits: fixed memory, no sorting. */
        final ConcurrentHistogram latencies = new ConcurrentHistogram(1_000, TimeUnit.HOURS.toNanos(1), 3);
        volatile String lastProblem = "";

        Stats(Kind kind) {
            this.kind = kind;
        }

        long answered() {
            return ok.get() + client.get() + server.get();
        }

        double percentileMillis(double p) {
            if (latencies.getTotalCount() == 0) {
                return Double.NaN;
            }
            return latencies.getValueAtPercentile(p * 100) / 1e6;
        }
    }

    /** The outcome of a run. */
    public record Summary(List<String> lines, long sent, long answered, long totalBefore, long totalAfter,
            long pipelineAccepted, long pipelineCounted, List<String> failures) {
        /**
         * Returns whether every check passed.
         *
         * @return true if nothing was lost and the total did not change
         */
        public boolean ok() {
            return failures.isEmpty();
        }

        /**
         * Prints the summary table and the checks.
         *
         * @param out where to print
         */
        public void print(PrintStream out) {
            lines.forEach(out::println);
            out.printf(Locale.ROOT, "total balance: before %d, after %d%n", totalBefore, totalAfter);
            out.printf(Locale.ROOT, "pipeline: %d documents accepted, %d counted by the sink%n", pipelineAccepted,
                    pipelineCounted);
            out.printf(Locale.ROOT, "requests: %d sent, %d answered with success or a documented error%n", sent, answered);
            out.println(ok() ? "OK: total unchanged, no request lost" : "FAILED: " + String.join("; ", failures));
        }
    }

    private static final List<String> WORDS = List.of("fearless", "scope", "channel", "lock", "virtual", "thread",
            "deadline", "hedge", "bank", "total", "select", "sink", "worker", "bridge", "metrics");

    private final Options options;
    private final HttpClient client;

    private LoadGenerator(Options options, HttpClient client) {
        this.options = options;
        this.client = client;
    }

    /**
     * Runs the load and the checks.
     *
     * @param options what to run
     * @return the summary
     * @throws InterruptedException if interrupted; the requests in flight are cancelled
     */
    public static Summary run(Options options) throws InterruptedException {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build()) {
            return new LoadGenerator(options, client).run();
        }
    }

    private List<Kind> kinds() {
        return List.of(
                // every api endpoint may answer 503 (with Retry-After) when its lane is full
                new Kind("aggregate", 0.14, Set.of(200, 502, 503, 504), () -> get("/api/aggregate?deadlineMs=" + pick(100, 200, 300))),
                new Kind("hedged", 0.10, Set.of(200, 502, 503), () -> get("/api/hedged")),
                new Kind("transfer", 0.30, Set.of(200, 409, 503), () -> post("/api/transfer", transferBody())),
                new Kind("transfer-bad", 0.06, Set.of(400, 404, 413, 503), () -> post("/api/transfer", badTransferBody())),
                new Kind("balance", 0.08, Set.of(200, 503), () -> get("/api/accounts/acc-" + (1 + r().nextInt(10)))),
                new Kind("total", 0.04, Set.of(200, 503), () -> get("/api/total")),
                new Kind("ingest", 0.16, Set.of(202, 503), () -> post("/api/ingest?priority="
                        + (r().nextInt(4) == 0 ? "urgent" : "bulk"), "{\"text\":\"" + document() + "\"}")),
                new Kind("composite", 0.06, Set.of(200, 502, 503, 504), () -> get("/api/composite")),
                new Kind("pipeline", 0.04, Set.of(200, 503), () -> get("/api/pipeline")),
                new Kind("metrics", 0.02, Set.of(200, 503), () -> get("/metrics")));   // 503: the ops lane is full
    }

    private static ThreadLocalRandom r() {
        return ThreadLocalRandom.current();
    }

    private static int pick(int... values) {
        return values[r().nextInt(values.length)];
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(options.base().resolve(path)).GET();
    }

    private HttpRequest.Builder post(String path, String body) {
        return HttpRequest.newBuilder(options.base().resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static String transferBody() {
        int from = 1 + r().nextInt(10);
        int to = 1 + (from + r().nextInt(9)) % 10;          // never the same account
        return "{\"from\":\"acc-" + from + "\",\"to\":\"acc-" + to + "\",\"amount\":" + (1 + r().nextInt(20_000)) + "}";
    }

    private static String badTransferBody() {
        return switch (r().nextInt(7)) {
            case 0 -> "{\"from\":\"acc-1\",\"to\":\"acc-2\",\"amount\":-5}";
            case 1 -> "{\"from\":\"acc-1\",\"to\":\"acc-2\",\"amount\":\"lots\"}";
            case 2 -> "{\"from\":\"acc-1\",\"to\":\"acc-2\",\"amount\":";
            case 3 -> "{\"from\":\"acc-1\",\"to\":\"mallory\",\"amount\":5}";
            case 4 -> "{\"from\":\"acc-1\",\"to\":\"acc-1\",\"amount\":5}";
            case 5 -> "{\"from\":\"acc-1\",\"to\":\"acc-2\",\"amount\":2.5}";
            default -> "{\"from\":\"acc-1\",\"to\":\"acc-2\",\"amount\":5,\"pad\":\"" + "x".repeat(20_000) + "\"}";
        };
    }

    private static String document() {
        StringBuilder text = new StringBuilder();
        int n = 5 + r().nextInt(40);
        for (int i = 0; i < n; i++) {
            text.append(WORDS.get(r().nextInt(WORDS.size()))).append(i % 12 == 11 ? ".\\n" : " ");  // JSON-escaped
        }
        return text.toString();
    }

    private Summary run() throws InterruptedException {
        List<String> failures = new ArrayList<>();
        long totalBefore = total();
        List<Stats> stats = kinds().stream().map(Stats::new).toList();
        long endNanos = System.nanoTime() + options.duration().toNanos();

        try (VirtualExecutor requests = VirtualExecutor.builder().name("load")
                .limit(options.inFlight(), LimitPolicy.block()).build()) {
            try (var pacers = Scope.builder().name("load-pacers").open()) {
                for (Stats s : stats) {
                    pacers.fork(() -> {
                        pace(s, requests, endNanos);
                        return null;
                    });
                }
                pacers.join();
            }
        } // close(): waits for every request still in flight

        long totalAfter = total();
        if (totalAfter != totalBefore) {
            failures.add("total balance changed from " + totalBefore + " to " + totalAfter);
        }
        long sent = 0;
        long answered = 0;
        for (Stats s : stats) {
            sent += s.sent.get();
            answered += s.answered();
            if (s.undocumented.get() + s.errors.get() > 0) {
                failures.add(s.kind.name() + ": " + s.undocumented.get() + " undocumented answers and "
                        + s.errors.get() + " errors (last: " + s.lastProblem + ")");
            }
        }
        long[] pipeline = drainedPipeline(failures);
        return new Summary(table(stats), sent, answered, totalBefore, totalAfter, pipeline[0], pipeline[1],
                List.copyOf(failures));
    }

    /** Sends {@code s}'s requests at its share of the rate until {@code endNanos}. */
    private void pace(Stats s, VirtualExecutor requests, long endNanos) throws InterruptedException {
        double perSecond = options.rate() * s.kind.share();
        long intervalNanos = (long) (1e9 / perSecond);
        long next = System.nanoTime() + r().nextLong(intervalNanos);   // spread the first sends
        while (next < endNanos) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(Duration.ofNanos(wait));
            }
            HttpRequest request = s.kind.request().get().timeout(Duration.ofSeconds(15)).build();
            s.sent.incrementAndGet();
            requests.execute(() -> send(s, request));       // blocks while inFlight requests are running
            next += intervalNanos;
        }
    }

    private void send(Stats s, HttpRequest request) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = Bridge.await(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
            s.latencies.recordValue(Math.clamp(System.nanoTime() - start, 1_000L, TimeUnit.HOURS.toNanos(1)));
            int status = response.statusCode();
            if (!s.kind.documented().contains(status)) {
                s.undocumented.incrementAndGet();
                s.lastProblem = status + " " + abbreviate(response.body());
            } else if (status < 300) {
                s.ok.incrementAndGet();
            } else if (status < 500) {
                s.client.incrementAndGet();
            } else {
                s.server.incrementAndGet();
            }
        } catch (InterruptedException e) {
            s.errors.incrementAndGet();
            s.lastProblem = "interrupted";
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            s.errors.incrementAndGet();
            s.lastProblem = String.valueOf(e.getCause() == null ? e : e.getCause());
        }
    }

    private static String abbreviate(String body) {
        return body.length() > 200 ? body.substring(0, 200) + "…" : body;
    }

    private long total() throws InterruptedException {
        String body = getBody("/api/total");
        Matcher m = Pattern.compile("\"total\":(\\d+)").matcher(body);
        if (!m.find()) {
            throw new IllegalStateException("unexpected /api/total answer: " + body);
        }
        return Long.parseLong(m.group(1));
    }

    /** Waits (up to 20 s) until the sink has counted every document the pipeline accepted. */
    private long[] drainedPipeline(List<String> failures) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        long accepted;
        long counted;
        do {
            String body = getBody("/api/pipeline");
            accepted = number(body, "accepted");
            counted = number(body, "documents");
            if (accepted == counted) {
                return new long[] {accepted, counted};
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        failures.add("pipeline lost documents: " + accepted + " accepted, " + counted + " counted");
        return new long[] {accepted, counted};
    }

    private static long number(String body, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":(\\d+)").matcher(body);
        if (!m.find()) {
            throw new IllegalStateException("no " + key + " in " + body);
        }
        return Long.parseLong(m.group(1));
    }

    private String getBody(String path) throws InterruptedException {
        HttpRequest request = get(path).timeout(Duration.ofSeconds(15)).build();
        HttpResponse<String> response;
        for (int attempt = 1; ; attempt++) {
            try {
                response = Bridge.await(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
                break;
            } catch (StageFailedException e) {
                // after an overload the client may pick a pooled connection the service has closed
                // for idleness meanwhile ("header parser received no bytes"): a GET can be retried
                if (!(e.getCause() instanceof IOException) || attempt == 3) {
                    throw e;
                }
            }
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private List<String> table(List<Stats> stats) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "load: %.0f req/s for %ds, at most %d in flight, against %s",
                options.rate(), options.duration().toSeconds(), options.inFlight(), options.base()));
        lines.add(String.format(Locale.ROOT, "%-13s %7s %7s %7s %7s %7s %7s %9s %9s  %s", "endpoint", "sent", "2xx",
                "4xx", "5xx", "undoc", "errors", "p50 ms", "p99 ms", "documented"));
        for (Stats s : stats) {
            lines.add(String.format(Locale.ROOT, "%-13s %7d %7d %7d %7d %7d %7d %9.1f %9.1f  %s", s.kind.name(),
                    s.sent.get(), s.ok.get(), s.client.get(), s.server.get(), s.undocumented.get(), s.errors.get(),
                    s.percentileMillis(0.50), s.percentileMillis(0.99), s.kind.documented().stream().sorted().toList()));
        }
        return lines;
    }

    /**
     * Runs the load generator.
     *
     * @param args {@code --url=http://127.0.0.1:8080/}, {@code --rate=200} (requests per second, all
     *     endpoints together), {@code --duration=20s}, {@code --in-flight=64}
     * @throws InterruptedException if interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        URI base = URI.create("http://127.0.0.1:8080/");
        double rate = 200;
        Duration duration = Duration.ofSeconds(20);
        int inFlight = 64;
        for (String arg : args) {
            for (String part : arg.trim().split("\\s+")) {       // exec:exec passes -Dsample.args as one argument
                if (part.isEmpty()) {
                    continue;
                }
                int eq = part.indexOf('=');
                String key = eq < 0 ? part : part.substring(0, eq);
                String value = eq < 0 ? "" : part.substring(eq + 1);
                switch (key) {
                    case "--url" -> base = URI.create(value.endsWith("/") ? value : value + "/");
                    case "--rate" -> rate = Double.parseDouble(value);
                    case "--duration" -> duration = Duration.parse("PT" + value.toUpperCase(Locale.ROOT));
                    case "--in-flight" -> inFlight = Integer.parseInt(value);
                    default -> {
                        System.err.println("unknown argument " + part
                                + "; expected --url=URL --rate=N --duration=20s --in-flight=N");
                        System.exit(2);
                    }
                }
            }
        }
        Summary summary = run(new Options(base, rate, duration, inFlight));
        summary.print(System.out);
        System.exit(summary.ok() ? 0 : 1);
    }
}
