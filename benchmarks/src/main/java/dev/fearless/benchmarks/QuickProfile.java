package dev.fearless.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs a profile of the suites with {@code -prof gc}, writes JMH's JSON and the run's conditions
 * (load average at start and end, machine, JDK), then rewrites {@code docs/benchmarks.md} from it
 * with {@link Report}. {@code exec:exec} in this module calls it:
 *
 * <pre>
 * mvn -q -pl benchmarks -am compile exec:exec                          # quick profile, all suites
 * mvn -q -pl benchmarks -am compile exec:exec -Dbench.profile=decide   # the published table
 * mvn -q -pl benchmarks -am compile exec:exec -Dbench.include=Channel  # only matching benchmarks
 * mvn -q -pl benchmarks -am compile exec:exec -Dbench.profile=decide -Dbench.plan=true # count, estimate, no run
 * mvn -q -pl benchmarks -am compile exec:exec -Dbench.profile=report   # no run: rewrite the report
 * mvn -q -pl benchmarks -am compile exec:exec -Dbench.profile=jmh -Dbench.include="HandleBenchmark -f 1 -prof stack"
 * </pre>
 *
 * <p>Profiles:
 * <ul>
 *   <li>{@code quick}, for development: every suite, 1 fork, 2 warmup and 3 measurement iterations
 *       of 0.5 s. It never decides a target (a verdict needs 5 forks).
 *   <li>{@code decide}, for the published table: only what the decision rows need (see
 *       {@link #DECIDE}), 5 forks, 2 warmup and 3 measurement iterations of 1 s. About 44 min on
 *       2 cores (82 benchmarks; quick: 290, about 19 min; estimates from {@code -Dbench.plan=true}).
 *   <li>{@code smoke}: one short iteration of each, to check that everything runs.
 *   <li>{@code report}: runs nothing; rewrites {@code docs/benchmarks.md} from the existing JSON
 *       (and its {@code jmh-run.properties}) and the current notes, on the same class path and
 *       toolchain JDK as a run, so an edit of {@code benchmarks/notes.md} reaches the document
 *       without pasting.
 *   <li>{@code jmh}: for profiling; hands the include argument, split at white space, to JMH's own
 *       command line ({@code org.openjdk.jmh.Main}: any {@code -prof}, {@code -f}, {@code -jvmArgs}),
 *       writes no report, and leaves the class path in {@code classpath.txt} beside the JSON so
 *       later runs can call {@code java -cp} directly.
 * </ul>
 *
 * <p>Before anything runs, the one-minute load average is read from {@code /proc/loadavg}; above
 * {@value Report#MAX_LOAD} the run is refused unless {@code -Dbench.allowLoad=true}, because a
 * loaded machine moves every score. A run with an include expression replaces, in an existing JSON
 * file, the results of the benchmarks it ran and keeps the others.
 *
 * <p>Arguments: profile, JSON path, document path, notes path, and an optional include regular
 * expression. Every benchmark gets the same JVM settings: {@code --enable-preview} (from each
 * class's {@code @Fork}), a fixed 1 GB heap, and JMH's own use of {@code sun.misc.Unsafe} allowed.
 */
public final class QuickProfile {

    private QuickProfile() {}

    /** One JMH run of the decide profile: benchmarks matching {@code include}, with these parameters. */
    record Step(String include, Map<String, String[]> params) {}

    private static Step step(String include, String... params) {
        Map<String, String[]> map = new LinkedHashMap<>();
        for (int i = 0; i < params.length; i += 2) {
            map.put(params[i], params[i + 1].split(","));
        }
        return new Step("\\." + include + "$", map);
    }

    /**
     * The decide profile: the benchmarks behind every row with a target and the calibration row,
     * trimmed to fit about 45 minutes on 2 cores (82 benchmarks × 5 forks × ~6.5 s). Left out:
     * channel shapes 16→16, 64→64, 1→16 and 16→1, platform 4→4 and platform unbounded; select over
     * 64 channels; scopes of 10 tasks, and of 1,000 and 100,000 with a platform owner; executors
     * with a platform owner; checker graphs other than 100,000 locks with 4 held (the two-lock
     * known-edge row covers a small graph); and every context row. Those rows say "not measured"
     * in a decide report; the quick profile covers them.
     */
    static final List<Step> DECIDE = List.of(
            step("CalibrationBenchmark\\..*"),
            step("ScopeBenchmark\\.(fearless|jdkStructuredTaskScope)", "owner", "virtual,platform", "tasks", "1"),
            step("ScopeShapeBenchmark\\.perTask.*", "owner", "virtual"),
            step("ChannelBenchmark\\..*", "shape", "1x1,4x4", "threads", "virtual"),
            step("ChannelBenchmark\\.(rendezvous|buffered).*", "shape", "1x1", "threads", "platform"),
            step("SelectBenchmark\\..*", "channels", "2,8"),
            step("LatencyBenchmark\\.roundTrip(Fearless|Jox)"),
            step("LockAcquisitionBenchmark\\..*", "locks", "2"),
            step("LockOrderCheckerBenchmark\\.(fearlessWarn|guavaWarn)"),
            step("LockGraphBenchmark\\..*", "graph", "100000", "held", "4"),
            step("HandleBenchmark\\..*"),
            step("ExecutorBenchmark\\.(virtualExecutor|virtualExecutorWithMetrics|jdkVirtualThreadExecutor|bridgeAsync"
                    + "|completableFutureSupplyAsync)", "owner", "virtual"),
            step("TelemetryBenchmark\\.with(out)?EventSites"),
            step("TelemetryListenerBenchmark\\..*"));

    /** Forks, warmup iterations, measurement iterations and iteration time of a profile. */
    record Settings(int forks, int warmups, int measurements, TimeValue time) {
        /** Estimated seconds per benchmark, counting ~1.5 s to start and stop each fork's JVM. */
        double secondsPerBenchmark() {
            return forks * (1.5 + (warmups + measurements) * time.convertTo(java.util.concurrent.TimeUnit.MILLISECONDS) / 1000.0);
        }
    }

    /** The profile that runs nothing and only rewrites the report from the existing JSON. */
    static final String REPORT_ONLY = "report";

    /** The profile that passes its include argument to JMH's own command line, for profiling. */
    static final String JMH = "jmh";

    static Settings settings(String profile) {
        return switch (profile) {
            case "quick" -> new Settings(1, 2, 3, TimeValue.milliseconds(500));
            case "decide" -> new Settings(Stats.DECIDE_FORKS, 2, 3, TimeValue.seconds(1));
            case "smoke" -> new Settings(1, 0, 1, TimeValue.milliseconds(200)); // the numbers mean nothing
            default -> throw new IllegalArgumentException("profile must be quick, decide, smoke or report (no run): " + profile);
        };
    }

    /**
     * Runs the profile and writes the report.
     *
     * @param args profile, JSON path, document path, notes path, [include regex]
     * @throws Exception if JMH or the report fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: QuickProfile quick|decide|smoke|report|jmh <result.json> <benchmarks.md> <notes.md> [include-regex | jmh arguments]");
            System.exit(2);
        }
        String profile = args[0];
        Path json = Path.of(args[1]);
        Path doc = Path.of(args[2]);
        Path notes = Path.of(args[3]);
        if (profile.equals(JMH)) {
            Files.createDirectories(json.toAbsolutePath().getParent());
            Files.writeString(json.resolveSibling("classpath.txt"), System.getProperty("java.class.path"));
            org.openjdk.jmh.Main.main(args.length > 4 && !args[4].isBlank() ? args[4].strip().split("\\s+") : new String[0]);
            return;
        }
        if (profile.equals(REPORT_ONLY)) {
            if (!Files.exists(json)) {
                System.err.printf("no JMH result at %s: run a profile first (or copy the run's JSON and jmh-run.properties there)%n", json);
                System.exit(2);
            }
            Report.write(json, doc, notes);
            System.out.printf("rewrote %s from %s and %s%n", doc, json, notes);
            return;
        }
        Settings settings = settings(profile);
        boolean partial = args.length > 4 && !args[4].isBlank();
        List<Step> steps = partial ? List.of(new Step(args[4], Map.of()))
                : profile.equals("decide") ? DECIDE : List.of(new Step("dev\\.fearless\\.benchmarks\\..*", Map.of()));

        int count = plannedBenchmarks(steps);
        System.out.printf(Locale.ROOT, "profile %s: %d benchmark(s) × %d fork(s); estimated wall time %.0f min%n",
                profile, count, settings.forks(), count * settings.secondsPerBenchmark() / 60);
        if (Boolean.getBoolean("bench.plan")) {
            return;
        }

        boolean allowLoad = Boolean.getBoolean(Report.ALLOW_LOAD);
        String loadavg = Machine.loadavg();
        double load = Machine.load(loadavg);
        if (!(load <= Report.MAX_LOAD) && !allowLoad) {
            System.err.printf("refusing to run: load average at start is %s (/proc/loadavg: %s), above %s; "
                    + "rerun on a quiet machine or set -D%s=true%n", load, loadavg, Report.MAX_LOAD, Report.ALLOW_LOAD);
            System.exit(3);
        }

        Files.createDirectories(json.toAbsolutePath().getParent());
        Path earlier = json.resolveSibling(json.getFileName() + ".earlier");
        boolean merge = partial && Files.exists(json);
        if (merge) {
            Files.copy(json, earlier, StandardCopyOption.REPLACE_EXISTING);
        }

        Instant start = Instant.now();
        ArrayNode all = Report.JSON.createArrayNode();
        Path part = json.resolveSibling(json.getFileName() + ".part");
        for (Step step : steps) {
            ChainedOptionsBuilder options = new OptionsBuilder()
                    .include(step.include())
                    .jvmArgs("-Xms1g", "-Xmx1g", "--sun-misc-unsafe-memory-access=allow") // + @Fork's --enable-preview
                    .addProfiler(GCProfiler.class)
                    .resultFormat(ResultFormatType.JSON)
                    .result(part.toString())
                    .shouldFailOnError(false)
                    .forks(settings.forks())
                    .warmupIterations(settings.warmups()).warmupTime(settings.time())
                    .measurementIterations(settings.measurements()).measurementTime(settings.time());
            step.params().forEach(options::param);
            new Runner(options.build()).run();
            for (JsonNode result : Report.JSON.readTree(part.toFile())) {
                all.add(result);
            }
        }
        Files.deleteIfExists(part);
        Duration wall = Duration.between(start, Instant.now());
        Report.JSON.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), all);
        String loadAtEnd = Machine.loadavg();

        Properties run = new Properties();
        if (merge) {
            keepEarlierResults(earlier, json);
            try (var in = Files.newBufferedReader(Report.runFile(json))) {
                run.load(in);
            }
            run.setProperty("rerun", steps.getFirst().include() + " at " + start + " (" + wall.toSeconds()
                    + " s, load at start " + load + ")");
        } else {
            run.setProperty("profile", profile);
            run.setProperty("started", start.toString());
            run.setProperty("wallSeconds", Long.toString(wall.toSeconds()));
            run.setProperty("loadAtStart", Double.toString(load));
            run.setProperty("loadavgAtStart", loadavg);
            run.setProperty("loadAtEnd", Double.toString(Machine.load(loadAtEnd)));
            run.setProperty("allowLoad", Boolean.toString(allowLoad));
            run.setProperty("machine", Machine.describe());
        }
        try (var out = Files.newBufferedWriter(Report.runFile(json))) {
            run.store(out, "the JMH run that wrote " + json.getFileName());
        }
        Report.write(json, doc, notes);
        System.out.printf("JMH run took %d min %d s; wrote %s and %s%n", wall.toMinutes(), wall.toSecondsPart(), json, doc);
    }

    /** How many benchmarks (one per parameter combination) the steps run. */
    static int plannedBenchmarks(List<Step> steps) {
        var quiet = OutputFormatFactory.createFormatInstance(new PrintStream(OutputStream.nullOutputStream()), VerboseMode.SILENT);
        int count = 0;
        for (Step step : steps) {
            for (BenchmarkListEntry entry : BenchmarkList.defaultList().find(quiet, List.of(step.include()), List.of())) {
                int combinations = 1;
                Map<String, String[]> declared = entry.getParams().orElse(Map.of());
                for (var param : declared.entrySet()) {
                    combinations *= step.params().getOrDefault(param.getKey(), param.getValue()).length;
                }
                count += combinations;
            }
        }
        return count;
    }

    /** Adds to {@code json} every result of {@code earlier} whose benchmark and parameters it lacks. */
    private static void keepEarlierResults(Path earlier, Path json) throws IOException {
        ArrayNode merged = (ArrayNode) Report.JSON.readTree(json.toFile());
        Set<String> rerun = new HashSet<>();
        for (JsonNode result : merged) {
            rerun.add(Report.key(result));
        }
        for (JsonNode result : Report.JSON.readTree(earlier.toFile())) {
            if (!rerun.contains(Report.key(result))) {
                merged.add(result);
            }
        }
        Report.JSON.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), merged);
    }
}
