package dev.fearless.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Turns JMH's JSON into {@code docs/benchmarks.md}: one table per suite with each Fearless result
 * next to the best peer of the same shape, their ratio with its error bar, the target from issue 9
 * and whether it was met; then the hand-written notes (why a target is missed and what would close
 * it), the machine, the JDK, the command, and every raw score.
 *
 * <pre>
 * java -cp ... dev.fearless.benchmarks.Report benchmarks/target/jmh-result.json docs/benchmarks.md benchmarks/notes.md
 * </pre>
 */
public final class Report {

    /** The command that produces the JSON and this report. */
    static final String COMMAND = "mvn -q -pl benchmarks -am compile exec:exec";

    private static final String P = "dev.fearless.benchmarks.";

    /** One row: a Fearless benchmark against the best (lowest score) of its peers. */
    private record Row(String what, String fearless, List<String> peers, double target) {}

    private record Suite(String title, String blurb, List<Row> rows) {}

    private record Score(String key, double score, double error, String unit) {}

    private Report() {}

    private static final double INFO = Double.NaN; // no target: shown for context

    private static List<Suite> suites() {
        List<Suite> suites = new ArrayList<>();

        List<Row> scopes = new ArrayList<>();
        for (String n : List.of("1", "10", "1000")) {
            String f = "ScopeBenchmark.fearless[tasks=" + n + "]";
            scopes.add(new Row(n + " task(s) vs JDK StructuredTaskScope", f,
                    List.of("ScopeBenchmark.jdkStructuredTaskScope[tasks=" + n + "]"), 1.0));
            scopes.add(new Row(n + " task(s) vs Jox supervised", f,
                    List.of("ScopeBenchmark.joxSupervised[tasks=" + n + "]"), 1.0));
            scopes.add(new Row(n + " task(s) vs every peer", f, List.of(
                    "ScopeBenchmark.jdkStructuredTaskScope[tasks=" + n + "]",
                    "ScopeBenchmark.joxSupervised[tasks=" + n + "]",
                    "ScopeBenchmark.virtualThreadExecutor[tasks=" + n + "]",
                    "ScopeBenchmark.completableFuture[tasks=" + n + "]"), INFO));
        }
        suites.add(new Suite("Scopes", "Fork and join N trivial tasks, each on its own virtual thread; score per scope.",
                scopes));

        suites.add(new Suite("Channels", "Ping-pong: per round trip (two hand-offs) between two virtual threads. "
                + "1→1, 4→4 and select: per element (one send + one receive), producers and consumers on virtual threads.",
                List.of(
                        new Row("rendezvous ping-pong (per round trip)", "ChannelPairBenchmark.pingPongRendezvousFearless", List.of(
                                "ChannelPairBenchmark.pingPongRendezvousJox",
                                "ChannelPairBenchmark.pingPongRendezvousSynchronousQueue",
                                "ChannelPairBenchmark.pingPongRendezvousLinkedTransferQueue"), 1.0),
                        new Row("buffered(16) ping-pong (per round trip)", "ChannelPairBenchmark.pingPongBufferedFearless", List.of(
                                "ChannelPairBenchmark.pingPongBufferedJox",
                                "ChannelPairBenchmark.pingPongBufferedArrayBlockingQueue"), 1.0),
                        new Row("rendezvous 1→1", "ChannelBenchmark.rendezvousFearless[pairs=1]", List.of(
                                "ChannelBenchmark.rendezvousJox[pairs=1]",
                                "ChannelBenchmark.rendezvousSynchronousQueue[pairs=1]",
                                "ChannelBenchmark.rendezvousLinkedTransferQueue[pairs=1]",
                                "ChannelPairBenchmark.rendezvousExchanger"), 1.0),
                        new Row("rendezvous 4→4", "ChannelBenchmark.rendezvousFearless[pairs=4]", List.of(
                                "ChannelBenchmark.rendezvousJox[pairs=4]",
                                "ChannelBenchmark.rendezvousSynchronousQueue[pairs=4]",
                                "ChannelBenchmark.rendezvousLinkedTransferQueue[pairs=4]"), 1.0),
                        new Row("buffered(16) 1→1", "ChannelBenchmark.bufferedFearless[pairs=1]", List.of(
                                "ChannelBenchmark.bufferedJox[pairs=1]",
                                "ChannelBenchmark.bufferedArrayBlockingQueue[pairs=1]"), 1.0),
                        new Row("buffered(16) 4→4", "ChannelBenchmark.bufferedFearless[pairs=4]", List.of(
                                "ChannelBenchmark.bufferedJox[pairs=4]",
                                "ChannelBenchmark.bufferedArrayBlockingQueue[pairs=4]"), 1.0),
                        new Row("2-clause select", "ChannelPairBenchmark.selectFearless",
                                List.of("ChannelPairBenchmark.selectJox"), 1.0))));

        List<Row> locks = new ArrayList<>();
        for (String table : List.of("round-32", "round-5", "three-fork-6")) {
            locks.add(new Row("dining, " + table + ": default vs better of ordered, smart & polite",
                    "DiningBenchmark.dine[strategy=DEFAULT,table=" + table + "]", List.of(
                            "DiningBenchmark.dine[strategy=ORDERED,table=" + table + "]",
                            "DiningBenchmark.dine[strategy=BACK_OFF,table=" + table + "]"),
                    table.equals("round-32") ? 1.0 : INFO));
            locks.add(new Row("dining, " + table + ": smart & polite vs ordered",
                    "DiningBenchmark.dine[strategy=BACK_OFF,table=" + table + "]",
                    List.of("DiningBenchmark.dine[strategy=ORDERED,table=" + table + "]"), INFO));
        }
        locks.add(new Row("uncontended lockAll of 2 vs 2 raw ReentrantLocks",
                "LockAcquisitionBenchmark.lockAll2Fearless", List.of("LockAcquisitionBenchmark.lock2Raw"), 1.3));
        locks.add(new Row("uncontended lockAll of 4 vs 4 raw ReentrantLocks",
                "LockAcquisitionBenchmark.lockAll4Fearless", List.of("LockAcquisitionBenchmark.lock4Raw"), INFO));
        suites.add(new Suite("Multi-lock", "Dining: wall time until every diner ate " + DiningBenchmark.MEALS
                + " meals, virtual threads. Uncontended: one set acquisition and release.", locks));

        suites.add(new Suite("Lock-order checker", "Take two locks in an already-known order and release them.",
                List.of(
                        new Row("WARN, known edge vs Guava CycleDetectingLockFactory WARN",
                                "LockOrderCheckerBenchmark.fearlessWarn", List.of("LockOrderCheckerBenchmark.guavaWarn"), 1.0),
                        new Row("OFF vs raw ReentrantLock", "LockOrderCheckerBenchmark.fearlessOff",
                                List.of("LockOrderCheckerBenchmark.rawReentrantLock"), INFO),
                        new Row("WARN vs raw ReentrantLock", "LockOrderCheckerBenchmark.fearlessWarn",
                                List.of("LockOrderCheckerBenchmark.rawReentrantLock"), INFO))));

        suites.add(new Suite("Handles", "Update shared state under its lock.", List.of(
                new Row("Shared.update vs ReentrantLock + try/finally", "HandleBenchmark.sharedUpdate",
                        List.of("HandleBenchmark.reentrantLock"), 1.1))));

        suites.add(new Suite("Executor bridge", "Per task: submit " + ExecutorBenchmark.TASKS
                + " trivial tasks (one virtual thread each) and wait for every future.", List.of(
                        new Row("VirtualExecutor vs newVirtualThreadPerTaskExecutor", "ExecutorBenchmark.virtualExecutor",
                                List.of("ExecutorBenchmark.jdkVirtualThreadExecutor"), 1.05),
                        new Row("VirtualExecutor + FearlessMetrics vs newVirtualThreadPerTaskExecutor",
                                "ExecutorBenchmark.virtualExecutorWithMetrics",
                                List.of("ExecutorBenchmark.jdkVirtualThreadExecutor"), 1.15),
                        new Row("VirtualExecutor + FearlessMetrics vs ExecutorServiceMetrics.monitor(...)",
                                "ExecutorBenchmark.virtualExecutorWithMetrics",
                                List.of("ExecutorBenchmark.jdkVirtualThreadExecutorMonitored"), INFO),
                        new Row("Bridge.async vs CompletableFuture.supplyAsync (virtual threads)",
                                "ExecutorBenchmark.bridgeAsync", List.of("ExecutorBenchmark.completableFutureSupplyAsync"), 1.05))));

        suites.add(new Suite("Telemetry", "Uncontended lock/unlock with and without the two event sites of a lock, no listener.",
                List.of(new Row("event sites, no listener vs none", "TelemetryBenchmark.withEventSites",
                        List.of("TelemetryBenchmark.withoutEventSites"), 1.02))));
        return suites;
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

    static void write(Path json, Path doc, Path notes) throws IOException {
        List<?> results = (List<?>) Json.parse(Files.readString(json));
        Map<String, Score> scores = new LinkedHashMap<>();
        String jdk = "?";
        String vm = "?";
        String settings = "?";
        for (Object o : results) {
            Map<?, ?> r = (Map<?, ?>) o;
            String key = key(r);
            Map<?, ?> metric = (Map<?, ?>) r.get("primaryMetric");
            scores.put(key, new Score(key, Json.number(metric.get("score")), Json.number(metric.get("scoreError")),
                    String.valueOf(metric.get("scoreUnit"))));
            jdk = r.get("jdkVersion") + " (" + r.get("vmName") + " " + r.get("vmVersion") + ")";
            vm = String.valueOf(r.get("jvmArgs"));
            settings = String.format(Locale.ROOT, "%.0f fork(s); %.0f warmup iteration(s) of %s; %.0f measurement iteration(s) of %s",
                    Json.number(r.get("forks")), Json.number(r.get("warmupIterations")), r.get("warmupTime"),
                    Json.number(r.get("measurementIterations")), r.get("measurementTime"));
        }

        Properties run = new Properties();
        Path runFile = runFile(json);
        if (Files.exists(runFile)) {
            try (var in = Files.newBufferedReader(runFile)) {
                run.load(in);
            }
        }

        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("<!-- Generated by dev.fearless.benchmarks.Report from ").append(json.getFileName())
                .append(" and benchmarks/notes.md; edit the notes, not this file. -->\n\n");
        md.append("Fearless side by side with its peers, each suite in the same JMH run with the same fork settings. ")
                .append("A ratio is Fearless's score divided by the best (lowest) peer score of the same shape: ")
                .append("below 1 Fearless is faster. The error bar combines both scores' 99.9% confidence intervals ")
                .append("(relative errors added in quadrature). \"met\" / \"missed\" compare the ratio with the target; ")
                .append("\"(within error)\" means the error bar crosses the target, so this run cannot tell. ")
                .append("Rows without a target are context.\n\n");

        md.append("## Run\n\n");
        md.append("- command: `").append(COMMAND).append("`");
        String profile = run.getProperty("profile", "quick");
        if (!profile.equals("quick")) {
            md.append(" `-Dbench.profile=").append(profile).append('`');
        }
        md.append(" (profile `").append(profile).append("`: ").append(settings).append(")\n");
        md.append("- date: ").append(run.getProperty("started", Instant.now().toString())).append('\n');
        if (run.getProperty("wallSeconds") != null) {
            long s = Long.parseLong(run.getProperty("wallSeconds"));
            md.append("- wall time of the JMH run: ").append(s / 60).append(" min ").append(s % 60).append(" s\n");
        }
        if (run.getProperty("rerun") != null) {
            md.append("- rerun since, replacing only the matching benchmarks: `-Dbench.include=")
                    .append(run.getProperty("rerun").replaceFirst(" at ", "` at ")).append('\n');
        }
        md.append("- machine: ").append(Machine.describe()).append('\n');
        md.append("- JDK: ").append(jdk).append(", JVM arguments ").append(vm).append('\n');
        md.append("- JSON: `benchmarks/target/jmh-result.json`\n\n");

        for (Suite suite : suites()) {
            md.append("## ").append(suite.title()).append("\n\n").append(suite.blurb()).append("\n\n");
            md.append("| comparison | Fearless | best peer | ratio | target | result |\n");
            md.append("|---|---|---|---|---|---|\n");
            for (Row row : suite.rows()) {
                md.append(row(row, scores)).append('\n');
            }
            md.append('\n');
        }

        md.append(Files.exists(notes) ? Files.readString(notes).strip() + "\n\n" : "");

        md.append("## Every score\n\n| benchmark | score | ± error (99.9%) | unit |\n|---|---|---|---|\n");
        for (Score s : scores.values()) {
            md.append("| `").append(s.key()).append("` | ").append(fmt(s.score())).append(" | ")
                    .append(fmt(s.error())).append(" | ").append(s.unit()).append(" |\n");
        }
        Files.createDirectories(doc.toAbsolutePath().getParent());
        Files.writeString(doc, md.toString());
    }

    private static String row(Row row, Map<String, Score> scores) {
        String target = Double.isNaN(row.target()) ? "—" : "≤ " + fmt(row.target()) + "×";
        Score f = scores.get(row.fearless());
        List<Score> peers = row.peers().stream().map(scores::get).filter(s -> s != null).collect(Collectors.toList());
        if (f == null || peers.isEmpty()) {
            return "| " + row.what() + " | not measured | | | " + target + " | not measured |";
        }
        Score best = peers.stream().min((a, b) -> Double.compare(a.score(), b.score())).orElseThrow();
        double ratio = f.score() / best.score();
        double error = ratio * Math.hypot(relativeError(f), relativeError(best)); // NaN if either is unknown
        String verdict;
        if (Double.isNaN(row.target())) {
            verdict = "";
        } else if (Double.isNaN(error)) {
            verdict = ratio <= row.target() ? "met (error unknown)" : "**missed** (error unknown)";
        } else if (ratio <= row.target()) {
            verdict = ratio + error <= row.target() ? "met" : "met (within error)";
        } else {
            verdict = ratio - error > row.target() ? "**missed**" : "**missed** (within error)";
        }
        return "| " + row.what() + " | " + fmt(f.score()) + " ± " + fmt(f.error()) + " " + f.unit()
                + " | " + shortName(best.key()) + ": " + fmt(best.score()) + " ± " + fmt(best.error()) + " " + best.unit()
                + " | " + fmt(ratio) + " ± " + fmt(error) + " | " + target + " | " + verdict + " |";
    }

    private static double relativeError(Score s) {
        return s.error() / s.score();
    }

    private static String shortName(String key) {
        return key.substring(key.indexOf('.') + 1);
    }

    /** A result's benchmark name without the package, with its parameters: {@code Class.method[k=v,...]}. */
    static String key(Map<?, ?> result) {
        String name = String.valueOf(result.get("benchmark"));
        if (name.startsWith(P)) {
            name = name.substring(P.length());
        }
        Object params = result.get("params");
        if (params instanceof Map<?, ?> map && !map.isEmpty()) {
            name += map.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue())
                    .sorted()
                    .collect(Collectors.joining(",", "[", "]"));
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
