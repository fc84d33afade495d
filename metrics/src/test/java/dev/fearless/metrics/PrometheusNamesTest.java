package dev.fearless.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.telemetry.ChannelState;
import dev.fearless.telemetry.ExecutorState;
import dev.fearless.telemetry.Outcome;
import dev.fearless.telemetry.Telemetry;
import dev.fearless.telemetry.TelemetryListener;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The Prometheus scrape holds exactly the series that docs/metrics.md documents: every documented
 * series appears once each component has reported, and no undocumented {@code fearless_} series
 * exists.
 */
@Isolated("binds to the global telemetry registry")
@Timeout(30)
class PrometheusNamesTest {

    private static final Path DOC = Path.of("..", "docs", "metrics.md");
    private static final Pattern DOCUMENTED_SERIES = Pattern.compile("`(fearless_[a-z_]+)`");
    private static final Pattern SCRAPED_SERIES = Pattern.compile("^(fearless_[a-z_]+)[{ ]", Pattern.MULTILINE);

    @Test
    void scrapeShowsExactlyTheDocumentedSeries() throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ChannelState channel = new FearlessMetricsTest.FixedChannel("jobs", 1, 16);
        ExecutorState executor = new FearlessMetricsTest.FixedExecutor("io", 4, 1, 0);
        try (FearlessMetrics metrics = FearlessMetrics.builder().timeLockHolds(true).build()) { // held is opt-in
            metrics.bindTo(registry);
            reportOneOfEverything(channel, executor);

            Set<String> scraped = matches(SCRAPED_SERIES, registry.scrape());
            Set<String> documented = matches(DOCUMENTED_SERIES, Files.readString(DOC));

            assertTrue(scraped.containsAll(documented), "documented but not scraped: " + minus(documented, scraped));
            assertEquals(new TreeSet<>(), minus(scraped, documented), "scraped but not documented in " + DOC);
        }
    }

    private static void reportOneOfEverything(ChannelState channel, ExecutorState executor) {
        TelemetryListener events = Telemetry.listener();
        assertTrue(events != null);
        events.scopeOpened("s");
        events.taskForked("s");
        events.taskFinished("s", Outcome.SUCCESS, 1);
        events.scopeClosed("s", Outcome.SUCCESS, 1);
        events.lockAcquired("l", 1, true);
        events.lockReleased("l", 1);
        events.lockAbandoned("l", Outcome.TIMEOUT, 1);
        events.lockOrderViolation(List.of("l"), "r");
        events.deadlockDetected(List.of("l"), "r");
        events.channelCreated(channel);
        events.channelSent("jobs", 1);
        events.channelReceived("jobs", 1);
        events.channelClosed("jobs", Outcome.FAILURE, 1);
        events.handlePoisoned("h");
        events.handleLeaked("h", "guard");
        events.executorCreated(executor);
        events.executorSubmitted("io");
        events.executorRejected("io");
        events.executorStarted("io", 1);
        events.executorFinished("io", Outcome.SUCCESS, 1);
    }

    private static Set<String> matches(Pattern pattern, String text) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> difference = new TreeSet<>(a);
        difference.removeAll(b);
        return difference;
    }
}
