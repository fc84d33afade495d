package dev.fearless.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Turns JMH's JSON into {@code docs/benchmarks.md}: one table per suite with each Fearless result,
 * its allocation per operation, the peer it is compared with, their ratio with its 95 % interval,
 * the target and the verdict; then the hand-written notes, the machine, the load, the JDK, the
 * command, and every score. The statistics are in {@link Stats}.
 *
 * <pre>
 * mvn -q -pl benchmarks -am compile exec:exec -Dbench.profile=report   # from benchmarks/target/jmh-result.json
 * </pre>
 *
 * <p>That command runs no benchmark: {@link QuickProfile} with the {@code report} profile calls
 * {@link #write} on the class path Maven builds ({@code main} here does the same for a caller that
 * has one).
 *
 * <p>It refuses to write a report whose run started with a load average above {@value #MAX_LOAD}
 * unless {@code -D}{@value #ALLOW_LOAD}{@code =true}: a loaded machine moves every number.
 */
public final class Report {

    /** The command that produces the JSON and this report. */
    static final String COMMAND = "mvn -q -pl benchmarks -am compile exec:exec";

    /** System property that lets a run on a loaded machine write its report anyway. */
    static final String ALLOW_LOAD = "bench.allowLoad";

    /** The highest one-minute load average at the start of a run whose report is written. */
    static final double MAX_LOAD = 1.0;

    static final ObjectMapper JSON = new ObjectMapper();

    private static final String P = "dev.fearless.benchmarks.";

    private static final double INFO = Double.NaN; // no target: shown for context

    /** What a row checks. */
    enum Kind {
        /** Ratio ≤ target (or context when the target is NaN). */
        RATIO,
        /** A/A: the same code twice; the ratio's interval must contain 1. */
        CALIBRATION,
        /** Difference of the means divided by {@code sites} ≤ target, in the score's unit. */
        DIFFERENCE
    }

    /**
     * One row: a Fearless benchmark against the best of its peers. A key is
     * {@code Class.method[param=value,...]}, optionally followed by {@code @p50}, {@code @p99} or
     * {@code @p99.9} for a percentile of a SampleTime benchmark.
     */
    record Row(String what, String fearless, List<String> peers, double target, Kind kind, int sites) {
        Row(String what, String fearless, List<String> peers, double target) {
            this(what, fearless, peers, target, Kind.RATIO, 1);
        }

        boolean decides() {
            return kind != Kind.RATIO || !Double.isNaN(target);
        }
    }

    record Suite(String title, String blurb, List<Row> rows) {}

    /** One benchmark's result: its sample (one value per fork, or per iteration of a single fork). */
    record Result(String key, String unit, int forks, double[] sample, double allocation) {
        Stats.Interval interval() {
            return Stats.score(sample);
        }
    }

    private Report() {}

    static List<Suite> suites() {
        List<Suite> suites = new ArrayList<>();

        suites.add(new Suite("Calibration", "A/A: the same code measured twice as two benchmarks. Its interval must "
                + "contain 1; if it does not, the run is flagged and no verdict of it should be trusted.", List.of(
                        new Row("lock/unlock, A/A", "CalibrationBenchmark.first", List.of("CalibrationBenchmark.second"),
                                1.0, Kind.CALIBRATION, 1))));

        List<Row> scopes = new ArrayList<>();
        for (String owner : List.of("virtual", "platform")) {
            for (String n : List.of("1", "10", "1000")) {
                String p = "[owner=" + owner + ",tasks=" + n + "]";
                String f = "ScopeBenchmark.fearless" + p;
                String what = n + " task(s), " + owner + " owner";
                scopes.add(new Row(what + " vs JDK StructuredTaskScope", f,
                        List.of("ScopeBenchmark.jdkStructuredTaskScope" + p), 1.0));
                scopes.add(new Row(what + " vs Jox supervised", f, List.of("ScopeBenchmark.joxSupervised" + p), INFO));
                scopes.add(new Row(what + " vs every peer", f, List.of(
                        "ScopeBenchmark.jdkStructuredTaskScope" + p, "ScopeBenchmark.joxSupervised" + p,
                        "ScopeBenchmark.virtualThreadExecutor" + p, "ScopeBenchmark.completableFuture" + p), INFO));
            }
        }
        for (String owner : List.of("virtual", "platform")) {
            String p = "[owner=" + owner + "]";
            for (String n : List.of("1000", "100000")) {
                scopes.add(new Row("per task in a scope of " + n + ", " + owner + " owner, vs JDK StructuredTaskScope",
                        "ScopeShapeBenchmark.perTask" + n + "Fearless" + p, List.of("ScopeShapeBenchmark.perTask" + n + "Jdk" + p), 1.0));
            }
            scopes.add(new Row("per-task growth from 1,000 to 100,000 tasks, " + owner + " owner",
                    "ScopeShapeBenchmark.perTask100000Fearless" + p, List.of("ScopeShapeBenchmark.perTask1000Fearless" + p), 1.2));
            scopes.add(new Row("per-task growth from 1,000 to 100,000 tasks, " + owner + " owner, JDK (context)",
                    "ScopeShapeBenchmark.perTask100000Jdk" + p, List.of("ScopeShapeBenchmark.perTask1000Jdk" + p), INFO));
            scopes.add(new Row("nested: " + ScopeShapeBenchmark.FAN + " scopes of " + ScopeShapeBenchmark.FAN + " tasks in one, "
                    + owner + " owner, vs JDK", "ScopeShapeBenchmark.nestedFearless" + p, List.of("ScopeShapeBenchmark.nestedJdk" + p), INFO));
            scopes.add(new Row("first failure cancels " + ScopeShapeBenchmark.SIBLINGS + " waiting siblings, " + owner
                    + " owner, vs JDK", "ScopeShapeBenchmark.failureFearless" + p, List.of("ScopeShapeBenchmark.failureJdk" + p), INFO));
        }
        suites.add(new Suite("Scopes", "Fork and join N trivial tasks, each on its own virtual thread; score per "
                + "scope. The owner (the thread that opens, joins and closes the scope) runs "
                + ScopeBenchmark.SCOPES + " scopes in a row on a virtual thread or on JMH's platform thread. \"Per task\" rows "
                + "time one scope of that size and divide by its tasks; the growth rows compare Fearless with itself "
                + "(≤ 1.2× means the per-task cost stays flat).", scopes));

        List<Row> channels = new ArrayList<>();
        Map<String, List<String>> peersByKind = new LinkedHashMap<>();
        peersByKind.put("rendezvous", List.of("Jox", "SynchronousQueue", "LinkedTransferQueue"));
        peersByKind.put("buffered", List.of("Jox", "ArrayBlockingQueue"));
        peersByKind.put("unbounded", List.of("Jox", "LinkedBlockingQueue", "LinkedTransferQueue"));
        for (String threads : ChannelBenchmark.THREADS) {
            for (String shape : ChannelBenchmark.SHAPES) {
                String p = "[shape=" + shape + ",threads=" + threads + "]";
                for (var kind : peersByKind.entrySet()) {
                    channels.add(new Row(kind.getKey() + (kind.getKey().equals("buffered") ? "(16) " : " ")
                            + shape.replace("x", "→") + ", " + threads,
                            "ChannelBenchmark." + kind.getKey() + "Fearless" + p,
                            kind.getValue().stream().map(peer -> "ChannelBenchmark." + kind.getKey() + peer + p).toList(),
                            1.0));
                }
            }
        }
        channels.add(new Row("rendezvous 1→1, virtual, vs Exchanger (a floor: no close, no select, no FIFO)",
                "ChannelBenchmark.rendezvousFearless[shape=1x1,threads=virtual]",
                List.of("ChannelPairBenchmark.rendezvousExchanger"), INFO));
        channels.add(new Row("rendezvous ping-pong (per round trip)", "ChannelPairBenchmark.pingPongRendezvousFearless", List.of(
                "ChannelPairBenchmark.pingPongRendezvousJox",
                "ChannelPairBenchmark.pingPongRendezvousSynchronousQueue",
                "ChannelPairBenchmark.pingPongRendezvousLinkedTransferQueue"), INFO));
        channels.add(new Row("buffered(16) ping-pong (per round trip)", "ChannelPairBenchmark.pingPongBufferedFearless", List.of(
                "ChannelPairBenchmark.pingPongBufferedJox",
                "ChannelPairBenchmark.pingPongBufferedArrayBlockingQueue"), INFO));
        for (String n : SelectBenchmark.CHANNELS) {
            channels.add(new Row("select over " + n + " rendezvous channels", "SelectBenchmark.selectFearless[channels=" + n + "]",
                    List.of("SelectBenchmark.selectJox[channels=" + n + "]"), 1.0));
        }
        suites.add(new Suite("Channels", "N→M: per element (one send + one receive), N producers and M consumers "
                + "on virtual or platform threads started by each invocation. Ping-pong: per round trip between two "
                + "virtual threads. Select: one consumer selects over N channels, each fed by its own producer.",
                channels));

        List<Row> latency = new ArrayList<>();
        for (String kind : List.of("rendezvous", "buffered")) {
            String p = "[kind=" + kind + "]";
            for (String q : List.of("p50", "p99", "p99.9")) {
                latency.add(new Row(kind + " round trip, " + q, "LatencyBenchmark.roundTripFearless" + p + "@" + q,
                        q.equals("p99") ? List.of("LatencyBenchmark.roundTripJox" + p + "@" + q)
                                : List.of("LatencyBenchmark.roundTripJox" + p + "@" + q, "LatencyBenchmark.roundTripJdk" + p + "@" + q),
                        q.equals("p99") ? 2.0 : INFO));
            }
        }
        suites.add(new Suite("Hand-off latency", "SampleTime: JMH's thread sends one element to an echo virtual "
                + "thread and receives it back; percentiles of that round trip (per fork, then over forks).", latency));

        List<Row> locks = new ArrayList<>();
        for (String table : List.of("round-32", "round-5", "three-fork-6")) {
            locks.add(new Row("dining, " + table + ": default vs smart & polite (A/A: default is smart & polite)",
                    "DiningBenchmark.dine[strategy=DEFAULT,table=" + table + "]",
                    List.of("DiningBenchmark.dine[strategy=BACK_OFF,table=" + table + "]"), INFO));
            locks.add(new Row("dining, " + table + ": smart & polite vs ordered",
                    "DiningBenchmark.dine[strategy=BACK_OFF,table=" + table + "]",
                    List.of("DiningBenchmark.dine[strategy=ORDERED,table=" + table + "]"), INFO));
        }
        for (String n : LockAcquisitionBenchmark.LOCKS) {
            locks.add(new Row("uncontended lockAll of " + n + " vs " + n + " raw ReentrantLocks",
                    "LockAcquisitionBenchmark.lockAllFearless[locks=" + n + "]",
                    List.of("LockAcquisitionBenchmark.lockRaw[locks=" + n + "]"), n.equals("2") ? 1.3 : INFO));
        }
        suites.add(new Suite("Multi-lock", "Dining: wall time until every diner ate " + DiningBenchmark.MEALS
                + " meals, virtual threads. Uncontended: one set acquisition and release.", locks));

        List<Row> checker = new ArrayList<>();
        for (String graph : LockGraphBenchmark.GRAPHS) {
            for (String held : LockGraphBenchmark.HELD) {
                String p = "[graph=" + graph + ",held=" + held + "]";
                checker.add(new Row("WARN, " + held + " held, graph of " + graph + " more locks, vs Guava WARN",
                        "LockGraphBenchmark.fearlessWarn" + p, List.of("LockGraphBenchmark.guavaWarn" + p), 1.0));
            }
        }
        suites.add(new Suite("Lock-order checker", "Take two locks in an already-known order and release them; graph rows: "
                + "take N locks (known edges) that a graph of that many more known locks, in chains of "
                + LockGraphBenchmark.CHAIN + ", leads into.",
                Stream.concat(Stream.of(
                        new Row("WARN, known edge vs Guava CycleDetectingLockFactory WARN",
                                "LockOrderCheckerBenchmark.fearlessWarn", List.of("LockOrderCheckerBenchmark.guavaWarn"), 1.0),
                        new Row("OFF vs raw ReentrantLock", "LockOrderCheckerBenchmark.fearlessOff",
                                List.of("LockOrderCheckerBenchmark.rawReentrantLock"), INFO),
                        new Row("WARN vs raw ReentrantLock", "LockOrderCheckerBenchmark.fearlessWarn",
                                List.of("LockOrderCheckerBenchmark.rawReentrantLock"), INFO)), checker.stream()).toList()));

        List<Row> handles = new ArrayList<>();
        handles.add(new Row("Shared.update vs ReentrantLock + try/finally, uncontended", "HandleBenchmark.sharedUpdate",
                List.of("HandleBenchmark.reentrantLock"), 1.1));
        for (String n : ContendedUpdateBenchmark.THREADS) {
            handles.add(new Row("Shared.update, " + n + " contending virtual threads, vs ReentrantLock",
                    "ContendedUpdateBenchmark.sharedUpdate[threads=" + n + "]",
                    List.of("ContendedUpdateBenchmark.reentrantLock[threads=" + n + "]"), INFO));
        }
        suites.add(new Suite("Handles", "Update shared state under its lock; contended: per update, the threads "
                + "together make " + ContendedUpdateBenchmark.UPDATES + " updates per invocation.", handles));

        List<Row> executor = new ArrayList<>();
        for (String owner : List.of("virtual", "platform")) {
            String p = "[owner=" + owner + "]";
            String by = ", " + owner + " owner";
            executor.add(new Row("VirtualExecutor vs newVirtualThreadPerTaskExecutor" + by, "ExecutorBenchmark.virtualExecutor" + p,
                    List.of("ExecutorBenchmark.jdkVirtualThreadExecutor" + p), 1.05));
            executor.add(new Row("VirtualExecutor + FearlessMetrics vs newVirtualThreadPerTaskExecutor" + by,
                    "ExecutorBenchmark.virtualExecutorWithMetrics" + p, List.of("ExecutorBenchmark.jdkVirtualThreadExecutor" + p), 1.15));
            executor.add(new Row("VirtualExecutor + FearlessMetrics vs ExecutorServiceMetrics.monitor(...)" + by,
                    "ExecutorBenchmark.virtualExecutorWithMetrics" + p, List.of("ExecutorBenchmark.jdkVirtualThreadExecutorMonitored" + p),
                    INFO));
            executor.add(new Row("Bridge.async vs CompletableFuture.supplyAsync (virtual threads)" + by,
                    "ExecutorBenchmark.bridgeAsync" + p, List.of("ExecutorBenchmark.completableFutureSupplyAsync" + p), 1.05));
        }
        executor.add(new Row("Bridge.await, completed stage, vs CompletableFuture.get", "BridgeBenchmark.awaitCompletedFearless",
                List.of("BridgeBenchmark.awaitCompletedJdk"), INFO));
        executor.add(new Row("Bridge.await, stage completed later, vs CompletableFuture.get", "BridgeBenchmark.awaitLaterFearless",
                List.of("BridgeBenchmark.awaitLaterJdk"), INFO));
        suites.add(new Suite("Executor bridge", "Per task: submit " + ExecutorBenchmark.TASKS
                + " trivial tasks (one virtual thread each) and wait for every future, from a virtual or a platform owner. "
                + "Await: `Bridge.await` of an already-completed stage, and of a stage a new virtual thread completes.",
                executor));

        List<Row> telemetry = new ArrayList<>();
        telemetry.add(new Row("event-site check, no listener, vs the same lock/unlock without it (replica)",
                "TelemetryBenchmark.withEventSites", List.of("TelemetryBenchmark.withoutEventSites"), 1.02));
        telemetry.add(new Row("OrderedLock lock/unlock, no listener, vs ReentrantLock",
                "TelemetryListenerBenchmark.orderedLock[listener=none]", List.of("TelemetryBenchmark.reentrantLock"), INFO));
        for (var op : TelemetryListenerBenchmark.SITES.entrySet()) {
            String base = "TelemetryListenerBenchmark." + op.getKey() + "[listener=";
            String what = TelemetryListenerBenchmark.DESCRIPTIONS.get(op.getKey());
            telemetry.add(new Row(what + ": no-op listener − none, per event site (" + op.getValue() + " sites)",
                    base + "noop]", List.of(base + "none]"), 5.0, Kind.DIFFERENCE, op.getValue()));
            telemetry.add(new Row(what + ": FearlessMetrics on SimpleMeterRegistry vs no listener",
                    base + "simple]", List.of(base + "none]"), 2.0));
            telemetry.add(new Row(what + ": FearlessMetrics on PrometheusMeterRegistry vs no listener",
                    base + "prometheus]", List.of(base + "none]"), 2.0));
        }
        suites.add(new Suite("Telemetry", "The toolkit's real event sites, one thread, uncontended: no listener, a "
                + "no-op listener, and `FearlessMetrics` bound to a Simple and to a Prometheus registry. The replica "
                + "row measures the check alone (the two sites of a lock written out by hand, no listener).", telemetry));

        List<Row> structure = new ArrayList<>();
        for (String n : List.of("1000", "100000")) {
            String tasks = String.format(Locale.ROOT, "%,d", Integer.parseInt(n));
            structure.add(new Row("Structure.snapshot, " + tasks + " live tasks, vs the JDK JSON thread dump",
                    "StructureBenchmark.snapshot[tasks=" + n + "]", List.of("StructureBenchmark.jdkThreadDumpJson[tasks=" + n
                            + "]"), INFO));
            structure.add(new Row("snapshot + toJson, " + tasks + " live tasks, vs the JDK JSON thread dump",
                    "StructureBenchmark.snapshotJson[tasks=" + n + "]", List.of("StructureBenchmark.jdkThreadDumpJson[tasks="
                            + n + "]"), INFO));
        }
        for (var op : List.of(List.of("lockUnlock", "OrderedLock lock/unlock"), List.of("sharedUpdate", "Shared.update"),
                List.of("bufferedSendReceive", "buffered send + receive"), List.of("scopeForkJoin", "scope fork + join of one task"))) {
            structure.add(new Row(op.get(1) + ": tracking enabled vs disabled", "StructureBenchmark." + op.get(0)
                    + "[tracking=true]", List.of("StructureBenchmark." + op.get(0) + "[tracking=false]"), INFO));
        }
        suites.add(new Suite("Structure tracking", "`Structure.snapshot()` of one scope whose live virtual-thread tasks "
                + "are half in a channel receive and half on a latch, next to the JDK's JSON thread dump of the same threads "
                + "(`HotSpotDiagnosticMXBean.dumpThreads`, as `jcmd Thread.dump_to_file -format=json`); and the hot paths "
                + "with structure tracking enabled against disabled, one thread, uncontended.", structure));
        return suites;
    }

    /**
     * The benchmarks (keys without a percentile suffix) that the decision rows need: every row
     * with a target, every calibration row, and their peers.
     *
     * @return the keys, in report order
     */
    static Set<String> decisionKeys() {
        Set<String> keys = new LinkedHashSet<>();
        for (Suite suite : suites()) {
            for (Row row : suite.rows()) {
                if (row.decides()) {
                    keys.add(withoutMetric(row.fearless()));
                    row.peers().forEach(peer -> keys.add(withoutMetric(peer)));
                }
            }
        }
        return keys;
    }

    /**
     * Writes the report.
     *
     * @param args JSON path, document path, notes path
     * @throws IOException if a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: Report <result.json> <benchmarks.md> <notes.md>");
            System.exit(2);
        }
        write(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]));
    }

    static Path runFile(Path json) {
        return json.resolveSibling("jmh-run.properties");
    }

    /**
     * Refuses a run whose load average at start was above {@link #MAX_LOAD}, unless allowed.
     *
     * @param run the run's properties
     * @param allow whether {@value #ALLOW_LOAD} was set
     * @throws IllegalStateException if the run was loaded and not allowed, or its load is unknown
     */
    static void checkLoad(Properties run, boolean allow) {
        if (allow) {
            return;
        }
        String load = run.getProperty("loadAtStart");
        if (load == null) {
            throw new IllegalStateException("the run recorded no load average at start; rerun, or set -D" + ALLOW_LOAD + "=true");
        }
        if (Double.parseDouble(load) > MAX_LOAD) {
            throw new IllegalStateException("refusing to write the report: load average at start was " + load
                    + " (> " + MAX_LOAD + "); rerun on a quiet machine, or set -D" + ALLOW_LOAD + "=true");
        }
    }

    static void write(Path json, Path doc, Path notes) throws IOException {
        Properties run = new Properties();
        Path runFile = runFile(json);
        if (Files.exists(runFile)) {
            try (var in = Files.newBufferedReader(runFile)) {
                run.load(in);
            }
        }
        checkLoad(run, Boolean.getBoolean(ALLOW_LOAD));
        String md = render(JSON.readTree(json.toFile()), run, Files.exists(notes) ? Files.readString(notes) : "");
        Files.createDirectories(doc.toAbsolutePath().getParent());
        Files.writeString(doc, md);
    }

    /** Reads every result of JMH's JSON, keyed by {@link #key(JsonNode)}, with each percentile as its own key too. */
    static Map<String, Result> results(JsonNode results) {
        Map<String, Result> scores = new TreeMap<>();
        for (JsonNode r : results) {
            String key = key(r);
            JsonNode metric = r.path("primaryMetric");
            JsonNode gc = r.path("secondaryMetrics").path("gc.alloc.rate.norm");
            double allocation = number(gc.path("score"));
            String unit = metric.path("scoreUnit").asText();
            JsonNode raw = metric.path("rawData");
            if (raw.isArray() && !raw.isEmpty() && measured(sample(raw)).length > 0) {
                scores.put(key, new Result(key, unit, raw.size(), measured(sample(raw)), allocation));
            }
            JsonNode histogram = metric.path("rawDataHistogram");
            if (histogram.isArray() && !histogram.isEmpty()) {
                for (String q : List.of("p50", "p99", "p99.9")) {
                    double quantile = Double.parseDouble(q.substring(1)) / 100;
                    double[] sample = measured(quantiles(histogram, quantile));
                    if (sample.length > 0) {
                        scores.put(key + "@" + q, new Result(key + "@" + q, unit, histogram.size(), sample, allocation));
                    }
                }
            }
        }
        return scores;
    }

    /** The finite, positive values: a failed iteration (NaN) or a zero score says nothing about a ratio. */
    static double[] measured(double[] sample) {
        return java.util.Arrays.stream(sample).filter(v -> v > 0 && Double.isFinite(v)).toArray();
    }

    /** One mean per fork; with a single fork, its iterations. */
    static double[] sample(JsonNode rawData) {
        if (rawData.size() == 1) {
            return values(rawData.get(0));
        }
        double[] means = new double[rawData.size()];
        for (int fork = 0; fork < means.length; fork++) {
            means[fork] = Stats.mean(values(rawData.get(fork)));
        }
        return means;
    }

    /** One quantile per fork (over its iterations' merged histograms); with a single fork, per iteration. */
    static double[] quantiles(JsonNode histogram, double q) {
        List<double[][]> units = new ArrayList<>();
        if (histogram.size() == 1) {
            for (JsonNode iteration : histogram.get(0)) {
                units.add(bins(List.of(iteration)));
            }
        } else {
            for (JsonNode fork : histogram) {
                List<JsonNode> iterations = new ArrayList<>();
                fork.forEach(iterations::add);
                units.add(bins(iterations));
            }
        }
        return units.stream().mapToDouble(bins -> Stats.quantile(bins, q)).toArray();
    }

    private static double[][] bins(List<JsonNode> iterations) {
        List<double[]> bins = new ArrayList<>();
        for (JsonNode iteration : iterations) {
            for (JsonNode bin : iteration) {
                bins.add(new double[] {number(bin.get(0)), number(bin.get(1))});
            }
        }
        return bins.toArray(double[][]::new);
    }

    private static double[] values(JsonNode array) {
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = number(array.get(i));
        }
        return values;
    }

    /** A JSON number, or JMH's {@code "NaN"}/{@code "Infinity"} strings; NaN when absent. */
    static double number(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return Double.NaN;
        }
        return node.isNumber() ? node.asDouble() : Double.parseDouble(node.asText());
    }

    static String render(JsonNode json, Properties run, String notes) {
        Map<String, Result> scores = results(json);
        String jdk = "?";
        String vm = "?";
        String settings = "?";
        for (JsonNode r : json) {
            jdk = r.path("jdkVersion").asText() + " (" + r.path("vmName").asText() + " " + r.path("vmVersion").asText() + ")";
            vm = r.path("jvmArgs").toString();
            settings = String.format(Locale.ROOT, "%d fork(s); %d warmup iteration(s) of %s; %d measurement iteration(s) of %s",
                    r.path("forks").asInt(), r.path("warmupIterations").asInt(), r.path("warmupTime").asText(),
                    r.path("measurementIterations").asInt(), r.path("measurementTime").asText());
        }

        List<String> flags = new ArrayList<>();
        StringBuilder tables = new StringBuilder();
        for (Suite suite : suites()) {
            tables.append("## ").append(suite.title()).append("\n\n").append(suite.blurb()).append("\n\n");
            tables.append("| comparison | Fearless | B/op | compared with (chosen by interval) | ratio (95 % interval) | target | verdict |\n");
            tables.append("|---|---|---|---|---|---|---|\n");
            for (Row row : suite.rows()) {
                tables.append(row(row, scores, flags)).append('\n');
            }
            tables.append('\n');
        }

        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("<!-- Generated by dev.fearless.benchmarks.Report from jmh-result.json and benchmarks/notes.md; "
                + "edit the notes, not this file. -->\n\n");
        md.append(METHOD).append("\n\n");
        md.append("## Run\n\n");
        md.append("- command: `").append(COMMAND).append("`");
        String profile = run.getProperty("profile", "quick");
        if (!profile.equals("quick")) {
            md.append(" `-Dbench.profile=").append(profile).append('`');
        }
        md.append(" (profile `").append(profile).append("`: ").append(settings).append(", `-prof gc`)\n");
        md.append("- date: ").append(run.getProperty("started", "?")).append('\n');
        if (run.getProperty("wallSeconds") != null) {
            long s = Long.parseLong(run.getProperty("wallSeconds"));
            md.append("- wall time of the JMH run: ").append(s / 60).append(" min ").append(s % 60).append(" s\n");
        }
        md.append("- load average at start: ").append(run.getProperty("loadAtStart", "?"))
                .append(" (1 min; `/proc/loadavg` ").append(run.getProperty("loadavgAtStart", "?")).append("), at end: ")
                .append(run.getProperty("loadAtEnd", "?"));
        if (Boolean.parseBoolean(run.getProperty("allowLoad", "false"))) {
            md.append(" — **written with -D").append(ALLOW_LOAD).append("=true; a loaded run decides nothing**");
        }
        md.append('\n');
        if (run.getProperty("rerun") != null) {
            md.append("- rerun since, replacing only the matching benchmarks: `-Dbench.include=")
                    .append(run.getProperty("rerun").replaceFirst(" at ", "` at ")).append('\n');
        }
        md.append("- machine (at run time): ").append(run.getProperty("machine", "?")).append('\n');
        md.append("- JDK: ").append(jdk).append(", JVM arguments ").append(vm).append('\n');
        md.append("- JSON: `benchmarks/target/jmh-result.json`\n\n");
        if (!flags.isEmpty()) {
            md.append("**This run is flagged**: ").append(String.join("; ", flags))
                    .append(". A calibration interval that excludes 1 means the harness or the machine moves scores "
                            + "more than the intervals admit; treat every verdict below as undecided.\n\n");
        }
        md.append(tables);
        md.append(notes.isBlank() ? "" : notes.strip() + "\n\n");

        md.append("## Every score\n\n| benchmark | forks | score (95 % interval) | unit | B/op |\n|---|---|---|---|---|\n");
        for (Result s : scores.values()) {
            md.append("| `").append(s.key()).append("` | ").append(s.forks()).append(" | ").append(interval(s.interval()))
                    .append(" | ").append(s.unit()).append(" | ").append(fmt(s.allocation())).append(" |\n");
        }
        return md.toString();
    }

    static final String METHOD = """
            Fearless side by side with its peers, each suite in the same JMH run with the same fork settings. \
            A ratio is Fearless's score divided by the peer's: below 1 Fearless is faster.

            **Method.** A benchmark's sample is one mean per fork (each fork a fresh JVM; iterations within \
            one fork are not independent). Scores are geometric means with a 95 % t-interval on the log. A \
            ratio's 95 % interval is Welch's t-interval on the difference of the log fork means, mapped back \
            with `exp` (never negative, asymmetric as a ratio is). The peer a row compares with is chosen by \
            interval: among the peers whose own interval is within ±50 %, the one whose interval ends lowest; \
            a wider peer is listed, not chosen. A verdict comes from the interval alone: **met** when the whole \
            interval is at or below the target, **missed** when it is wholly above, **undecided** when it \
            straddles the target, when no peer is narrow enough, or when either side ran on fewer than 5 forks \
            (the quick profile never decides). A/A calibration rows compare the same code with itself: from 5 \
            forks, their interval must contain 1, else the run is flagged. Per-site telemetry rows use Welch's interval on \
            the plain difference of means, divided by the number of event sites. B/op is `-prof gc`'s \
            `gc.alloc.rate.norm` for the Fearless benchmark. The report is refused when the one-minute load \
            average at the start of the run exceeds 1 (override: `-Dbench.allowLoad=true`, stated in the report).""";

    private static String row(Row row, Map<String, Result> scores, List<String> flags) {
        String target = switch (row.kind()) {
            case CALIBRATION -> "contains 1";
            case DIFFERENCE -> "≤ " + fmt(row.target()) + " per site";
            case RATIO -> Double.isNaN(row.target()) ? "—" : "≤ " + fmt(row.target()) + "×";
        };
        Result f = scores.get(row.fearless());
        List<Result> peers = row.peers().stream().map(scores::get).filter(s -> s != null).collect(Collectors.toList());
        if (f == null || peers.isEmpty()) {
            return "| " + row.what() + " | not measured | | | | " + target + " | not measured |";
        }
        // calibration and per-site rows have one peer, compared whatever its width: there is nothing to choose
        OptionalInt chosen = row.kind() == Kind.RATIO ? Stats.bestPeer(peers.stream().map(Result::interval).toList())
                : OptionalInt.of(0);
        List<String> wide = new ArrayList<>();
        for (Result peer : peers) {
            if (row.kind() == Kind.RATIO && peer.interval().wide()) {
                wide.add(shortName(peer.key()) + " " + interval(peer.interval()));
            }
        }
        String wideNote = wide.isEmpty() ? "" : "; wider than ±50 %, not chosen: " + String.join(", ", wide);
        String fearless = interval(f.interval()) + " " + f.unit();
        String allocation = fmt(f.allocation());
        if (chosen.isEmpty()) {
            return "| " + row.what() + " | " + fearless + " | " + allocation + " | none" + wideNote + " | | " + target
                    + " | " + (row.decides() ? "undecided (every peer wider than ±50 %)" : "") + " |";
        }
        Result best = peers.get(chosen.getAsInt());
        String compared = shortName(best.key()) + ": " + interval(best.interval()) + " " + best.unit() + wideNote;
        int forks = Math.min(f.forks(), best.forks());
        String few = forks < Stats.DECIDE_FORKS ? "undecided (" + forks + " fork(s); a verdict needs ≥ "
                + Stats.DECIDE_FORKS + ")" : null;
        String ratio;
        String verdict;
        switch (row.kind()) {
            case DIFFERENCE -> {
                Stats.Interval d = Stats.difference(f.sample(), best.sample(), row.sites());
                ratio = "Δ " + interval(d) + " " + f.unit() + " per site";
                verdict = few != null ? few : Stats.verdict(d, row.target()).text();
            }
            case CALIBRATION -> {
                Stats.Interval r = Stats.ratio(f.sample(), best.sample());
                ratio = interval(r);
                boolean ok = r.contains(1.0);
                if (few != null) {
                    verdict = few; // one fork cannot calibrate anything, nor flag a run
                } else if (ok) {
                    verdict = "contains 1";
                } else {
                    flags.add("calibration \"" + row.what() + "\" gave " + interval(r));
                    verdict = "**excludes 1: run flagged**";
                }
            }
            default -> {
                Stats.Interval r = Stats.ratio(f.sample(), best.sample());
                ratio = interval(r);
                verdict = Double.isNaN(row.target()) ? "" : few != null ? few : Stats.verdict(r, row.target()).text();
            }
        }
        return "| " + row.what() + " | " + fearless + " | " + allocation + " | " + compared + " | " + ratio + " | "
                + target + " | " + verdict + " |";
    }

    /** {@code estimate (low–high)}; an unbounded interval shows as {@code (n/a)}. */
    static String interval(Stats.Interval i) {
        if (Double.isInfinite(i.high()) || Double.isNaN(i.high())) {
            return fmt(i.estimate()) + " (n/a)";
        }
        return fmt(i.estimate()) + " (" + fmt(i.low()) + "–" + fmt(i.high()) + ")";
    }

    private static String shortName(String key) {
        return key.substring(key.indexOf('.') + 1);
    }

    private static String withoutMetric(String key) {
        int at = key.indexOf('@');
        return at < 0 ? key : key.substring(0, at);
    }

    /** A result's benchmark name without the package, with its parameters: {@code Class.method[k=v,...]}. */
    static String key(JsonNode result) {
        String name = result.path("benchmark").asText();
        if (name.startsWith(P)) {
            name = name.substring(P.length());
        }
        JsonNode params = result.path("params");
        if (params.isObject() && !params.isEmpty()) {
            List<String> pairs = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : params.properties()) {
                pairs.add(e.getKey() + "=" + e.getValue().asText());
            }
            name += pairs.stream().sorted().collect(Collectors.joining(",", "[", "]"));
        }
        return name;
    }

    static String fmt(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        double abs = Math.abs(value);
        if (abs >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (abs >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
