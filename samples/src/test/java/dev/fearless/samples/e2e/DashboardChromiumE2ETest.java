package dev.fearless.samples.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.channel.Channel;
import dev.fearless.handle.LockGuard;
import dev.fearless.handle.Shared;
import dev.fearless.samples.load.LoadGenerator;
import dev.fearless.samples.service.SampleService;
import dev.fearless.scope.Scope;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads {@code /dashboard} in headless Chromium while the load generator drives the service, and
 * checks from the rendered DOM that every chart holds data and has a clock-labelled time axis and a
 * y axis with its unit, and that the structure panel renders a scenario's tree: a scope whose tasks
 * wait on a full channel and on a held {@code Shared}, each named. Then takes screenshots
 * ({@code target/dashboard.png} and {@code target/structure-panel.png}, the README's
 * {@code docs/dashboard.png} and {@code docs/structure-panel.png}).
 */
@Tag("e2e")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DashboardChromiumE2ETest {

    static final List<String> CHARTS = List.of("tasks", "scopes", "lockwait", "contention", "channels", "permits",
            "rejections", "lockorder");
    static final Pattern CLOCK = Pattern.compile("<text class=\"tick clock\"[^>]*>\\d\\d:\\d\\d:\\d\\d</text>");

    @Test
    @SuppressWarnings("try") // the scenario is held open for its effect on /debug/structure
    void chartsFillWithDataUnderLoad(@TempDir Path temp) throws Exception {
        Path chromium = E2e.tool("chromium", "/usr/bin/chromium");
        long started = System.nanoTime();
        try (SampleService service = SampleService.start("127.0.0.1", 0);   // turns structure tracking on
                Scenario scenario = new Scenario()) {
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

            List<String> withoutAxes = new ArrayList<>();
            for (String chart : CHARTS) {
                String svg = svg(dom, chart);
                long clocks = CLOCK.matcher(svg).results().count();
                String unit = Pattern.compile("data-y-unit=\"([^\"]+)\"").matcher(svg).results().map(m -> m.group(1))
                        .findFirst().orElse("?");
                if (clocks < 2 || !svg.contains("<text class=\"unit\" x=\"2\" y=\"10\">" + unit + "</text>")
                        || !svg.contains("<g class=\"y-axis\">")) {
                    withoutAxes.add(chart + " (" + clocks + " clock labels, unit " + unit + ")");
                }
            }
            assertTrue(withoutAxes.isEmpty(), "charts without a time axis or a y unit: " + withoutAxes);
            assertTrue(dom.contains("per acquisition ("), "the lock wait says what it is a mean of");

            String tree = between(dom, "<div id=\"structure-tree\">", "<h2 style=");
            E2e.log("structure panel: " + tree.length() + " characters of tree");
            String scope = between(tree, "<details class=\"scope\" data-scope=\"e2e-scenario\"", "</details>");
            assertTrue(scope.contains("data-wait-kind=\"CHANNEL_SEND\" data-wait-target=\"e2e-orders\""), scope);
            assertTrue(scope.contains("data-wait-kind=\"LOCK\" data-wait-target=\"e2e-account#"), scope);
            assertTrue(scope.contains("holds e2e-account#"), "the sender holds the account: " + scope);
            assertTrue(tree.contains("data-scope=\"http-workers\""), "the service's own scopes are shown");

            Path screenshot = Path.of("target", "dashboard.png").toAbsolutePath();
            Files.deleteIfExists(screenshot);
            chromium(chromium, temp.resolve("profile-shot"), temp, "--virtual-time-budget=25000",
                    "--hide-scrollbars", "--window-size=1400,1100", "--screenshot=" + screenshot, page);
            assertTrue(Files.size(screenshot) > 10_000, "screenshot written: " + screenshot);
            E2e.log("screenshot: " + screenshot);
            Path panel = Path.of("target", "structure-panel.png").toAbsolutePath();
            Files.deleteIfExists(panel);
            chromium(chromium, temp.resolve("profile-panel"), temp, "--virtual-time-budget=8000",
                    "--hide-scrollbars", "--window-size=1400,900", "--screenshot=" + panel, page + "?panel=structure");
            assertTrue(Files.size(panel) > 10_000, "screenshot written: " + panel);
            E2e.log("screenshot: " + panel);

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

    /**
     * The scenario the structure panel must show: in scope {@code e2e-scenario}, one task holds the
     * {@code Shared} {@code e2e-account} and blocks sending to the full channel {@code e2e-orders};
     * another blocks on the account. Closing it frees both.
     */
    static final class Scenario implements AutoCloseable {
        private final Channel<Integer> orders = Channel.buffered(1, "e2e-orders");
        private final Shared<Integer> account = Shared.of("e2e-account", 0);
        private final Scope<Object, Void> scope;

        Scenario() throws InterruptedException {
            orders.send(0);                                                // full: the next send waits
            CountDownLatch held = new CountDownLatch(1);
            scope = Scope.builder().name("e2e-scenario").open();
            scope.fork(() -> {
                try (LockGuard<Integer> guard = account.lock()) {
                    held.countDown();
                    orders.send(guard.get());
                }
                return null;
            });
            held.await();
            scope.fork(() -> account.read(value -> value));
        }

        @Override
        public void close() {
            try (scope) {
                orders.receive();
                scope.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while ending the scenario", e);
            }
        }
    }

    private static String svg(String dom, String chart) {
        return between(dom, "<svg id=\"chart-" + chart + "\"", "</svg>");
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        assertTrue(from >= 0, "not rendered: " + start);
        int to = text.indexOf(end, from);
        return text.substring(from, to < 0 ? text.length() : to);
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
