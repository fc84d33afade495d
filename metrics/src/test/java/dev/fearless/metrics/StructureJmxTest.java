package dev.fearless.metrics;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.channel.Channel;
import dev.fearless.scope.Scope;
import dev.fearless.structure.Structure;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import javax.management.MBeanServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 21: the structure snapshot read through the platform MBean server. */
@Timeout(60)
class StructureJmxTest {

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    @AfterEach
    void cleanUp() {
        StructureJmx.unregister();
        Structure.disable();
    }

    @ParameterizedTest(name = "virtual={0}")
    @ValueSource(booleans = {true, false})
    void theOperationsReturnTheLiveTreeAsTextAndJson(boolean virtual) throws Exception {
        assertEquals(StructureJmx.NAME, StructureJmx.register());
        StructureJmx.register();                                           // idempotent
        assertTrue(server.isRegistered(StructureJmx.NAME));
        server.invoke(StructureJmx.NAME, "enable", null, null);
        assertEquals(Boolean.TRUE, server.getAttribute(StructureJmx.NAME, "Enabled"));

        ThreadFactory threads = virtual ? Thread.ofVirtual().factory() : Thread.ofPlatform().factory();
        Channel<String> jobs = Channel.rendezvous("jobs");
        try (var scope = Scope.builder().name("jmx-crawl").threadFactory(threads).open()) {
            scope.fork(jobs::receive);                                      // blocks: nobody sends yet
            await().atMost(Duration.ofSeconds(30)).until(() -> ((String) server.invoke(StructureJmx.NAME,
                    "snapshotText", null, null)).contains("waits for channel jobs (receive, rendezvous)"));
            String text = (String) server.invoke(StructureJmx.NAME, "snapshotText", null, null);
            assertTrue(text.contains("scope \"jmx-crawl\""), text);
            String json = (String) server.invoke(StructureJmx.NAME, "snapshotJson", null, null);
            assertTrue(json.startsWith("{\"takenAt\":"), json);
            assertTrue(json.contains("\"name\":\"jmx-crawl\""), json);
            assertTrue(json.contains("\"kind\":\"CHANNEL_RECEIVE\",\"target\":\"jobs\""), json);
            jobs.send("go");
            scope.join();
        }
        server.invoke(StructureJmx.NAME, "disable", null, null);
        assertFalse(Structure.isEnabled());
        assertTrue(StructureJmx.unregister());
        assertFalse(server.isRegistered(StructureJmx.NAME));
    }
}
