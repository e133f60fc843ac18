package dev.mcpauth.gateway;

import dev.mcpauth.authserver.AuthorizationServer;
import dev.mcpauth.http.AccessLog;
import dev.mcpauth.http.AllowedHosts;
import dev.mcpauth.http.AllowedOrigins;
import dev.mcpauth.http.BoundServer;
import dev.mcpauth.http.CorsHandler;
import dev.mcpauth.http.HealthHandler;
import dev.mcpauth.http.HostCheck;
import dev.mcpauth.http.RequestLimits;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.PathHandler;
import java.net.URI;
import java.util.Map;

/**
 * The handler chain of {@code mcp-auth authserver}, the authorization server on its own: the same edge as the
 * gateway's ({@link GatewayServer}), composed here beside it rather than in the command.
 */
public final class AuthServerEdge {

    private AuthServerEdge() {
    }

    /** Access log outermost, limits, Host check, CORS for browser clients on allowed origins, then the AS's routes and /health. */
    public static HttpHandler chain(AuthorizationServer as, AllowedHosts hosts, boolean loopback) {
        PathHandler routes = new PathHandler(BoundServer.notFound());
        routes.addExactPath("/health", new HealthHandler(() -> Map.of("issuer", as.issuer())));
        AllowedOrigins origins = AllowedOrigins.defaults(URI.create(as.issuer()), loopback);
        return new AccessLog(new RequestLimits(new HostCheck(hosts, new CorsHandler(origins, as.routes(routes)))));
    }
}
