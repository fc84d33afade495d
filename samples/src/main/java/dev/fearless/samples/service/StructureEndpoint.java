package dev.fearless.samples.service;

import dev.fearless.structure.Structure;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.server.Request;

/**
 * {@code GET /debug/structure}: the live tree of scopes and tasks and what each one waits on, as the
 * JSON of {@link dev.fearless.structure.StructureSnapshot#toJson()}. It names threads, locks and
 * channels, so only loopback clients get it; anyone else gets {@code 403} in the service's error
 * shape ({@code {"error": "forbidden_remote", "message": ...}}).
 *
 * <p>Registering the route ({@link #route()}) turns structure tracking on for the whole JVM: a
 * scope is only tracked if it opened after that, so the service registers it when its class loads,
 * before any scope of its own opens.
 */
final class StructureEndpoint {

    static final String PATH = "/debug/structure";

    private StructureEndpoint() {}

    /** The route of the endpoint (operations lane), after turning structure tracking on. */
    static Map.Entry<String, SampleService.Route> route() {
        Structure.enable();
        return Map.entry(PATH, new SampleService.Route(PATH, "GET", SampleService.Lane.OPS, false));
    }

    /** The snapshot for a loopback client; 403 for anyone else. */
    static SampleService.Reply reply(Request request) throws SampleService.HttpError {
        return reply(request.getConnectionMetaData().getRemoteSocketAddress());
    }

    static SampleService.Reply reply(SocketAddress remote) throws SampleService.HttpError {
        if (!(remote instanceof InetSocketAddress socket) || !isLoopback(socket.getAddress())) {
            throw new SampleService.HttpError(403, "forbidden_remote", PATH
                    + " is served to loopback clients only (it names threads, locks and channels), not to "
                    + Json.excerpt(String.valueOf(remote)));
        }
        return new SampleService.Reply(200, "application/json",
                Structure.snapshot().toJson().getBytes(StandardCharsets.UTF_8), Map.of());
    }

    private static boolean isLoopback(InetAddress address) {
        return address != null && address.isLoopbackAddress();
    }
}
