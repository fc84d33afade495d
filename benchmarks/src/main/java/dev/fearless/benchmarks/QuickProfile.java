package dev.fearless.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every suite in one JMH run, writes JMH's JSON, then rewrites {@code docs/benchmarks.md} from
 * it with {@link Report}. {@code exec:exec} in this module calls it:
 *
 * <pre>
 * mvn -q -pl benchmarks -am compile exec:exec                         # quick profile, all suites
 * mvn -q -pl benchmarks -am compile exec:exec -Dbench.profile=full    # 3 forks, longer iterations
 * mvn -q -pl benchmarks -am compile exec:exec -Dbench.include=Channel # only matching benchmarks
 * </pre>
 *
 * <p>A run with an include expression replaces, in an existing JSON file, the results of the
 * benchmarks it ran and keeps the others, so one suite can be rerun without rerunning all; the
 * report then says which benchmarks came from which run.
 *
 * <p>Arguments: profile ({@code quick}, {@code full}, or {@code smoke}: one short iteration each, to
 * check that everything runs), JSON path, document path, notes path, and an
 * optional include regular expression. Every benchmark gets the same fork settings: one JVM per
 * benchmark (per parameter combination), {@code --enable-preview} (from each class's {@code @Fork}),
 * a fixed 1 GB heap, and JMH's own use of {@code sun.misc.Unsafe} allowed without a warning.
 */
public final class QuickProfile {

    private QuickProfile() {}

    /** Adds to {@code json} every result of {@code earlier} whose benchmark and parameters it lacks. */
    private static void keepEarlierResults(Path earlier, Path json) throws java.io.IOException {
        List<Object> merged = new ArrayList<>((List<?>) Json.parse(Files.readString(json)));
        Set<String> rerun = new HashSet<>();
        for (Object result : merged) {
            rerun.add(Report.key((Map<?, ?>) result));
        }
        for (Object result : (List<?>) Json.parse(Files.readString(earlier))) {
            if (!rerun.contains(Report.key((Map<?, ?>) result))) {
                merged.add(result);
            }
        }
        Files.writeString(json, Json.write(merged));
    }

    /**
     * Runs the profile and writes the report.
     *
     * @param args profile, JSON path, document path, notes path, [include regex]
     * @throws Exception if JMH or the report fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: QuickProfile quick|full|smoke <result.json> <benchmarks.md> <notes.md> [include-regex]");
            System.exit(2);
        }
        String profile = args[0];
        Path json = Path.of(args[1]);
        Path doc = Path.of(args[2]);
        Path notes = Path.of(args[3]);
        boolean partial = args.length > 4 && !args[4].isBlank();
        String include = partial ? args[4] : "dev\\.fearless\\.benchmarks\\..*";
        Files.createDirectories(json.toAbsolutePath().getParent());
        Path earlier = json.resolveSibling(json.getFileName() + ".earlier");
        boolean merge = partial && Files.exists(json);
        if (merge) {
            Files.copy(json, earlier, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }

        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(include)
                .jvmArgs("-Xms1g", "-Xmx1g", "--sun-misc-unsafe-memory-access=allow") // + @Fork's --enable-preview
                .resultFormat(ResultFormatType.JSON)
                .result(json.toString())
                .shouldFailOnError(false);
        switch (profile) {
            case "quick" -> options.forks(1)
                    .warmupIterations(3).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(1));
            case "full" -> options.forks(3)
                    .warmupIterations(5).warmupTime(TimeValue.seconds(2))
                    .measurementIterations(10).measurementTime(TimeValue.seconds(2));
            case "smoke" -> options.forks(1) // checks that every benchmark runs; the numbers mean nothing
                    .warmupIterations(0)
                    .measurementIterations(1).measurementTime(TimeValue.milliseconds(200));
            default -> throw new IllegalArgumentException("profile must be quick, full or smoke: " + profile);
        }

        Instant start = Instant.now();
        new Runner(options.build()).run();
        Duration wall = Duration.between(start, Instant.now());

        Properties run = new Properties();
        if (merge) {
            keepEarlierResults(earlier, json);
            try (var in = Files.newBufferedReader(Report.runFile(json))) {
                run.load(in);
            }
            run.setProperty("rerun", include + " at " + start + " (" + wall.toSeconds() + " s)");
        } else {
            run.setProperty("profile", profile);
            run.setProperty("include", include);
            run.setProperty("started", start.toString());
            run.setProperty("wallSeconds", Long.toString(wall.toSeconds()));
        }
        try (var out = Files.newBufferedWriter(Report.runFile(json))) {
            run.store(out, "the JMH run that wrote " + json.getFileName());
        }
        Report.write(json, doc, notes);
        System.out.printf("JMH run took %d min %d s; wrote %s and %s%n",
                wall.toMinutes(), wall.toSecondsPart(), json, doc);
    }
}
