package dev.fearless.samples.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.samples.service.SampleService;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LoadGeneratorTest {

    @Test
    void aShortRunAgainstAnInProcessServiceLosesNothing() throws Exception {
        try (SampleService service = SampleService.start("127.0.0.1", 0)) {
            LoadGenerator.Summary summary = LoadGenerator.run(
                    new LoadGenerator.Options(service.baseUri(), 100, Duration.ofSeconds(3), 32));
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            summary.print(new PrintStream(printed, true, StandardCharsets.UTF_8));
            String text = printed.toString(StandardCharsets.UTF_8);

            assertTrue(summary.ok(), text);
            assertTrue(summary.sent() > 0, text);
            assertEquals(summary.sent(), summary.answered(), text);
            assertEquals(SampleService.ACCOUNTS * SampleService.INITIAL_BALANCE, summary.totalAfter(), text);
            assertEquals(summary.pipelineAccepted(), summary.pipelineCounted(), text);
            for (String endpoint : new String[] {"aggregate", "hedged", "transfer", "transfer-bad", "balance", "total",
                    "ingest", "composite", "pipeline", "metrics"}) {
                assertTrue(text.lines().anyMatch(line -> line.startsWith(endpoint + " ") && !line.matches(endpoint + " +0 .*")),
                        endpoint + " was driven: " + text);
            }
            assertTrue(text.contains("OK: total unchanged, no request lost"), text);
        }
    }

    @Test
    void rejectsBadOptions() {
        var uri = java.net.URI.create("http://127.0.0.1:1/");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new LoadGenerator.Options(uri, 0, Duration.ofSeconds(1), 1));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new LoadGenerator.Options(uri, 1, Duration.ZERO, 1));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new LoadGenerator.Options(uri, 1, Duration.ofSeconds(1), 0));
    }
}
