package dev.fearless.samples.service;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fearless.structure.Structure;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue 21: {@code GET /debug/structure} serves the live structure as JSON to loopback clients only. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StructureEndpointTest {

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static HttpResponse<String> get(URI uri) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aLoopbackClientGetsTheServicesTreeWithItsWaits() throws Exception {
        try (SampleService service = SampleService.start("127.0.0.1", 0)) {
            assertTrue(Structure.isEnabled(), "registering the endpoint turns tracking on");
            URI uri = service.baseUri().resolve(StructureEndpoint.PATH);
            // the 64 workers of http-workers wait to receive from the idle request queue
            await().atMost(Duration.ofSeconds(30)).until(() -> get(uri).body()
                    .contains("\"kind\":\"CHANNEL_RECEIVE\",\"target\":\"http.queue\""));
            HttpResponse<String> response = get(uri);
            assertEquals(200, response.statusCode());
            assertEquals(Optional.of("application/json"), response.headers().firstValue("Content-Type"));
            String json = response.body();
            assertTrue(json.startsWith("{\"takenAt\":"), json);
            assertTrue(json.contains("\"name\":\"http-workers\""), json);
        }
    }

    @Test
    void anyOtherClientGets403InTheErrorShape() {
        SampleService.HttpError refused = assertThrows(SampleService.HttpError.class,
                () -> StructureEndpoint.reply(new InetSocketAddress(InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 1}), 40000)));
        assertEquals(403, refused.status);
        String body = new String(refused.reply().body(), StandardCharsets.UTF_8);
        assertTrue(body.contains("\"error\":\"forbidden_remote\""), body);
        assertTrue(body.contains("loopback clients only"), body);
    }

    @Test
    void aRealNonLoopbackConnectionIsRefused() throws Exception {
        Optional<InetAddress> address = NetworkInterface.networkInterfaces().filter(nic -> {
            try {
                return nic.isUp() && !nic.isLoopback();
            } catch (java.net.SocketException e) {
                return false;
            }
        }).flatMap(NetworkInterface::inetAddresses).filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
                .findFirst();
        assumeTrue(address.isPresent(), "this machine has no non-loopback IPv4 address to connect from");
        try (SampleService service = SampleService.start(address.get().getHostAddress(), 0)) {
            HttpResponse<String> response = get(service.baseUri().resolve(StructureEndpoint.PATH));
            assertEquals(403, response.statusCode(), response.body());
            assertTrue(response.body().contains("\"error\":\"forbidden_remote\""), response.body());
            assertEquals(200, get(service.baseUri().resolve("/health")).statusCode(), "other endpoints still answer");
        }
    }
}
