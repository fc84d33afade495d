package dev.fearless.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
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
 * <p>Arguments: profile ({@code quick}, {@code full}, or {@code smoke}: one short iteration each, to
 * check that everything runs), JSON path, document path, notes path, and an
 * optional include regular expression. Every benchmark gets the same fork settings: one JVM per
 * benchmark (per parameter combination), {@code --enable-preview} (from each class's {@code @Fork}),
 * a fixed 1 GB heap, and JMH's own use of {@code sun.misc.Unsafe} allowed without a warning.
 */
public final class QuickProfile {

    private QuickProfile() {}

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
        String include = args.length > 4 && !args[4].isBlank() ? args[4] : "dev\\.fearless\\.benchmarks\\..*";
        Files.createDirectories(json.toAbsolutePath().getParent());

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
        run.setProperty("profile", profile);
        run.setProperty("include", include);
        run.setProperty("started", start.toString());
        run.setProperty("wallSeconds", Long.toString(wall.toSeconds()));
        try (var out = Files.newBufferedWriter(Report.runFile(json))) {
            run.store(out, "the JMH run that wrote " + json.getFileName());
        }
        Report.write(json, doc, notes);
        System.out.printf("JMH run took %d min %d s; wrote %s and %s%n",
                wall.toMinutes(), wall.toSecondsPart(), json, doc);
    }
}
