package dev.fearless.samples.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.samples.load.LoadGenerator;
import dev.fearless.samples.service.SampleService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads {@code /dashboard} in headless Chromium while the load generator drives the service, and
 * checks from the rendered DOM that every chart holds data; then takes a screenshot
 * ({@code target/dashboard.png}, the README's {@code docs/dashboard.png}).
 */
@Tag("e2e")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DashboardChromiumE2ETest {

    static final List<String> CHARTS = List.of("tasks", "scopes", "lockwait", "contention", "channels", "permits",
            "rejections");

    @Test
    void chartsFillWithDataUnderLoad(@TempDir Path temp) throws Exception {
        Path chromium = E2e.tool("chromium", "/usr/bin/chromium");
        long started = System.nanoTime();
        try (SampleService service = SampleService.start("127.0.0.1", 0)) {
            CompletableFuture<LoadGenerator.Summary> load = E2e.load(service.baseUri(), 150, Duration.ofSeconds(30));
            String page = service.baseUri().resolve("/dashboard").toString();

            // Virtual time runs the page's 1 s polling loop fast; fetches still hit the real server.
            String dom = chromium(chromium, temp.resolve("profile-dom"), temp, "--virtual-time-budget=15000",
                    "--dump-dom", page);
            Map<String, int[]> charts = charts(dom);
            E2e.log("charts (points, series): " + describe(charts));
            List<String> empty = new ArrayList<>();
            for (String chart : CHARTS) {
                int[] ps = charts.get(chart);
                if (ps == null || ps[0] < 5 || ps[1] < 1) {
                    empty.add(chart);
                }
            }
            assertTrue(empty.isEmpty(), "charts without data: " + empty + " in " + describe(charts));
            assertTrue(dom.contains("data-samples=\""), "the page polled /dashboard/data");

            Path screenshot = Path.of("target", "dashboard.png").toAbsolutePath();
            Files.deleteIfExists(screenshot);
            chromium(chromium, temp.resolve("profile-shot"), temp, "--virtual-time-budget=25000",
                    "--hide-scrollbars", "--window-size=1400,820", "--screenshot=" + screenshot, page);
            assertTrue(Files.size(screenshot) > 10_000, "screenshot written: " + screenshot);
            E2e.log("screenshot: " + screenshot);

            LoadGenerator.Summary summary = load.get(2, TimeUnit.MINUTES);
            summary.print(System.out);
            assertTrue(summary.ok(), String.valueOf(summary.failures()));
            assertEquals(summary.sent(), summary.answered());
        }
        E2e.log(String.format("dashboard check took %.1f s", (System.nanoTime() - started) / 1e9));
    }

    private static String chromium(Path chromium, Path profile, Path temp, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(temp, "chromium", ".out");
        Path err = Files.createTempFile(temp, "chromium", ".err");
        Process process = E2e.track(new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start());
        try {
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                throw new AssertionError("chromium did not finish within 90 s: " + command);
            }
        } finally {
            E2e.stop(process);
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), "chromium failed: " + Files.readString(err, StandardCharsets.UTF_8));
        return stdout;
    }

    static Map<String, int[]> charts(String dom) {
        Map<String, int[]> charts = new LinkedHashMap<>();
        Matcher svg = Pattern.compile("<svg id=\"chart-([a-z]+)\" data-points=\"(\\d+)\" data-series=\"(\\d+)\"").matcher(dom);
        while (svg.find()) {
            charts.put(svg.group(1), new int[] {Integer.parseInt(svg.group(2)), Integer.parseInt(svg.group(3))});
        }
        return charts;
    }

    private static String describe(Map<String, int[]> charts) {
        StringBuilder out = new StringBuilder();
        charts.forEach((name, ps) -> out.append(name).append('=').append(ps[0]).append('/').append(ps[1]).append(' '));
        return out.toString().trim();
    }
}
