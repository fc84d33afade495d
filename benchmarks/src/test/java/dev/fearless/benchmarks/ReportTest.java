package dev.fearless.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** {@link Report} reads JMH's JSON into samples and turns them into rows with the right verdicts. */
class ReportTest {

    /** A JMH result with one array of iteration scores per fork, and a gc.alloc.rate.norm. */
    private static ObjectNode result(String benchmark, Map<String, String> params, double allocation, double[]... forks) {
        ObjectNode r = Report.JSON.createObjectNode();
        r.put("benchmark", "dev.fearless.benchmarks." + benchmark);
        r.put("forks", forks.length);
        ObjectNode p = r.putObject("params");
        params.forEach(p::put);
        ObjectNode metric = r.putObject("primaryMetric");
        metric.put("scoreUnit", "ns/op");
        ArrayNode raw = metric.putArray("rawData");
        for (double[] fork : forks) {
            ArrayNode iterations = raw.addArray();
            for (double v : fork) {
                iterations.add(v);
            }
        }
        r.putObject("secondaryMetrics").putObject("gc.alloc.rate.norm").put("score", allocation).put("scoreError", "NaN");
        return r;
    }

    /** Five forks whose means are e^(c·0.01) · scale, c = -2..2, each of three equal iterations. */
    private static double[][] fiveForks(double scale) {
        double[][] forks = new double[5][];
        for (int i = 0; i < 5; i++) {
            double v = scale * Math.exp((i - 2) * 0.01);
            forks[i] = new double[] {v, v, v};
        }
        return forks;
    }

    private static Properties quiet() {
        Properties run = new Properties();
        run.setProperty("profile", "decide");
        run.setProperty("loadAtStart", "0.3");
        run.setProperty("machine", "2 CPUs available to the JVM (nproc)");
        return run;
    }

    private static String line(String md, String start) {
        return md.lines().filter(l -> l.startsWith("| " + start + " |")).findFirst().orElseThrow(() -> new AssertionError(start));
    }

    @Test
    void sampleIsOneMeanPerForkOrTheIterationsOfASingleFork() throws Exception {
        JsonNode fiveForks = Report.JSON.readTree("[[1, 3], [2, 4], [5, 5]]");
        assertArrayEquals(new double[] {2, 3, 5}, Report.sample(fiveForks), 1e-12);
        JsonNode oneFork = Report.JSON.readTree("[[7, 8, \"NaN\"]]");
        double[] iterations = Report.sample(oneFork);
        assertEquals(3, iterations.length);
        assertTrue(Double.isNaN(iterations[2])); // JMH writes NaN as a string
        assertArrayEquals(new double[] {7, 8}, Report.measured(iterations), 1e-12);
    }

    @Test
    void aResultWithoutAnyMeasuredValueIsNotMeasured() {
        ArrayNode json = Report.JSON.createArrayNode();
        json.add(result("HandleBenchmark.sharedUpdate", Map.of(), 0.0, new double[] {Double.NaN}));
        json.add(result("HandleBenchmark.reentrantLock", Map.of(), 0.0, fiveForks(100)));
        assertFalse(Report.results(json).containsKey("HandleBenchmark.sharedUpdate"));
        String row = line(Report.render(json, quiet(), ""), "Shared.update vs ReentrantLock + try/finally, uncontended");
        assertTrue(row.contains("not measured"), row);
    }

    @Test
    void percentilesArePerFork() throws Exception {
        JsonNode histogram = Report.JSON.readTree("""
                [ [ [[100, 98], [900, 2]], [[100, 99], [900, 1]] ],
                  [ [[120, 98], [1000, 2]] ] ]""");
        assertArrayEquals(new double[] {100, 120}, Report.quantiles(histogram, 0.5), 1e-12);
        assertArrayEquals(new double[] {900, 1000}, Report.quantiles(histogram, 0.99), 1e-12);
    }

    @Test
    void keyHasSortedParameters() {
        ObjectNode r = result("ChannelBenchmark.bufferedFearless", Map.of("threads", "virtual", "shape", "1x1"), 0);
        assertEquals("ChannelBenchmark.bufferedFearless[shape=1x1,threads=virtual]", Report.key(r));
    }

    @Test
    void decisionRowsWithFiveForksGetAVerdictAndAllocation() {
        ArrayNode json = Report.JSON.createArrayNode();
        json.add(result("HandleBenchmark.sharedUpdate", Map.of(), 0.0, fiveForks(200)));
        json.add(result("HandleBenchmark.reentrantLock", Map.of(), 0.0, fiveForks(100)));
        json.add(result("CalibrationBenchmark.first", Map.of(), 0.0, fiveForks(100)));
        json.add(result("CalibrationBenchmark.second", Map.of(), 0.0, fiveForks(100)));
        String md = Report.render(json, quiet(), "");

        String update = line(md, "Shared.update vs ReentrantLock + try/finally, uncontended");
        assertTrue(update.contains("| 2.00 (1.95–2.05) |"), update); // Welch on logs: [1.954, 2.047]
        assertTrue(update.contains("| **missed** |"), update);
        assertTrue(update.contains("| 0.00 |"), update); // B/op
        String calibration = line(md, "lock/unlock, A/A");
        assertTrue(calibration.contains("contains 1"), calibration);
        assertFalse(md.contains("This run is flagged"));
        assertTrue(md.contains("undecided"));
        assertTrue(line(md, "WARN, known edge vs Guava CycleDetectingLockFactory WARN").contains("not measured"));
    }

    @Test
    void aFailedCalibrationFlagsTheRun() {
        ArrayNode json = Report.JSON.createArrayNode();
        json.add(result("CalibrationBenchmark.first", Map.of(), 0.0, fiveForks(110)));
        json.add(result("CalibrationBenchmark.second", Map.of(), 0.0, fiveForks(100)));
        String md = Report.render(json, quiet(), "");
        assertTrue(line(md, "lock/unlock, A/A").contains("**excludes 1: run flagged**"));
        assertTrue(md.contains("**This run is flagged**"));
    }

    @Test
    void aWideCalibrationIsStillComparedWithItsTwin() {
        ArrayNode json = Report.JSON.createArrayNode();
        json.add(result("CalibrationBenchmark.first", Map.of(), 0.0,
                new double[] {30}, new double[] {270}, new double[] {90}, new double[] {60}, new double[] {200}));
        json.add(result("CalibrationBenchmark.second", Map.of(), 0.0, fiveForks(100)));
        String row = line(Report.render(json, quiet(), ""), "lock/unlock, A/A");
        assertTrue(row.contains("| CalibrationBenchmark.second:") || row.contains("| second:"), row);
        assertTrue(row.contains("contains 1"), row);
    }

    @Test
    void aCalibrationOfOneForkNeitherPassesNorFlags() {
        ArrayNode json = Report.JSON.createArrayNode();
        json.add(result("CalibrationBenchmark.first", Map.of(), 0.0, new double[] {110, 111, 109}));
        json.add(result("CalibrationBenchmark.second", Map.of(), 0.0, new double[] {100, 101, 99}));
        String md = Report.render(json, quiet(), "");
        assertTrue(line(md, "lock/unlock, A/A").contains("undecided (1 fork(s); a verdict needs ≥ 5)"), md);
        assertFalse(md.contains("This run is flagged"));
    }

    @Test
    void fewerThanFiveForksNeverDecide() {
        ArrayNode json = Report.JSON.createArrayNode();
        json.add(result("HandleBenchmark.sharedUpdate", Map.of(), 0.0, new double[] {200, 201, 199}));
        json.add(result("HandleBenchmark.reentrantLock", Map.of(), 0.0, new double[] {100, 101, 99}));
        String md = Report.render(json, quiet(), "");
        String update = line(md, "Shared.update vs ReentrantLock + try/finally, uncontended");
        assertTrue(update.contains("undecided (1 fork(s); a verdict needs ≥ 5)"), update);
    }

    @Test
    void aWidePeerIsShownNotChosen() {
        // the executor row's only peer is the JDK executor; spread it over ×9 between forks
        ArrayNode json = Report.JSON.createArrayNode();
        json.add(result("ExecutorBenchmark.virtualExecutor", Map.of("owner", "virtual"), 300.0, fiveForks(1000)));
        json.add(result("ExecutorBenchmark.jdkVirtualThreadExecutor", Map.of("owner", "virtual"), 0.0,
                new double[] {300}, new double[] {2700}, new double[] {900}, new double[] {600}, new double[] {2000}));
        String md = Report.render(json, quiet(), "");
        String row = line(md, "VirtualExecutor vs newVirtualThreadPerTaskExecutor, virtual owner");
        assertTrue(row.contains("none; wider than ±50 %, not chosen: jdkVirtualThreadExecutor[owner=virtual]"), row);
        assertTrue(row.contains("undecided (every peer wider than ±50 %)"), row);
        assertTrue(row.contains("| 300 |"), row); // B/op of the Fearless row
    }

    @Test
    void loadAboveOneRefusesTheReportUnlessAllowed() {
        Properties run = quiet();
        assertDoesNotThrow(() -> Report.checkLoad(run, false));
        run.setProperty("loadAtStart", "3.5");
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> Report.checkLoad(run, false));
        assertTrue(refused.getMessage().contains("3.5"), refused.getMessage());
        assertTrue(refused.getMessage().contains("bench.allowLoad"), refused.getMessage());
        assertDoesNotThrow(() -> Report.checkLoad(run, true));
        run.remove("loadAtStart");
        assertThrows(IllegalStateException.class, () -> Report.checkLoad(run, false));
    }

    @Test
    void machineReadsTheOneMinuteLoad() {
        assertEquals(0.42, Machine.load("0.42 0.50 0.61 1/234 5678"));
        assertTrue(Double.isNaN(Machine.load("unknown")));
    }

    @Test
    void decideProfileCoversEveryDecisionRow() {
        // every benchmark a decision row needs is matched by a decide step (params aside)
        for (String key : Report.decisionKeys()) {
            String method = key.contains("[") ? key.substring(0, key.indexOf('[')) : key;
            String name = "dev.fearless.benchmarks." + method;
            assertTrue(QuickProfile.DECIDE.stream().anyMatch(s -> java.util.regex.Pattern.compile(s.include()).matcher(name).find()),
                    "no decide step runs " + key);
        }
    }
}
