package dev.fearless.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The profiles' sizes, from the benchmark list the JMH generator wrote for the main classes. */
class QuickProfileTest {

    @Test
    void decideFitsAboutFortyFiveMinutesOnTwoCores() {
        int count = QuickProfile.plannedBenchmarks(QuickProfile.DECIDE);
        double minutes = count * QuickProfile.settings("decide").secondsPerBenchmark() / 60;
        assertTrue(minutes <= 46, count + " benchmarks, about " + minutes + " min");
        assertTrue(count >= 40, "decide runs " + count + " benchmarks");
    }

    @Test
    void decideRunsFiveForksAndQuickOne() {
        assertEquals(Stats.DECIDE_FORKS, QuickProfile.settings("decide").forks());
        assertEquals(1, QuickProfile.settings("quick").forks());
        assertThrows(IllegalArgumentException.class, () -> QuickProfile.settings("full"));
    }

    @Test
    void stepParametersNarrowTheCount() {
        var all = new QuickProfile.Step("\\.ChannelBenchmark\\.rendezvousFearless$", Map.of());
        var one = new QuickProfile.Step("\\.ChannelBenchmark\\.rendezvousFearless$",
                Map.of("shape", new String[] {"1x1"}, "threads", new String[] {"virtual"}));
        assertEquals(ChannelBenchmark.SHAPES.size() * ChannelBenchmark.THREADS.size(), QuickProfile.plannedBenchmarks(List.of(all)));
        assertEquals(1, QuickProfile.plannedBenchmarks(List.of(one)));
    }

    @Test
    void reportProfileRewritesTheDocumentFromTheJsonAndTheNotesWithoutRunning(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("jmh-result.json");
        Files.writeString(json, """
                [{"benchmark": "dev.fearless.benchmarks.HandleBenchmark.reentrantLock", "forks": 1, "params": {},
                  "primaryMetric": {"scoreUnit": "ns/op", "rawData": [[4.0, 4.0, 4.0]]}, "secondaryMetrics": {}}]
                """);
        Files.writeString(Report.runFile(json), "profile=quick\nloadAtStart=0.2\n");
        Path notes = dir.resolve("notes.md");
        Files.writeString(notes, "## Causes, profiled\n\nA note that only the notes file holds.\n");
        Path doc = dir.resolve("benchmarks.md");

        QuickProfile.main(new String[] {QuickProfile.REPORT_ONLY, json.toString(), doc.toString(), notes.toString()});

        String md = Files.readString(doc);
        assertTrue(md.contains("A note that only the notes file holds."), md);
        assertTrue(md.contains("`HandleBenchmark.reentrantLock`"), md);
    }
}
