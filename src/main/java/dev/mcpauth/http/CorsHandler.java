package dev.mcpauth.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.util.Objects;

/**
 * CORS for browser MCP clients (the Inspector in direct mode): answers preflights and lets the page read the
 * headers it needs ({@code WWW-Authenticate} to find the authorization server, {@code Mcp-Session-Id}).
 * Only for origins {@link OriginCheck} allows; put it after that and before authentication, because
 * preflights carry no token. No credentials mode: bearer tokens are not cookies.
 */
public final class CorsHandler implements HttpHandler {

    static final HttpString ALLOW_ORIGIN = HttpString.tryFromString("Access-Control-Allow-Origin");
    static final HttpString ALLOW_METHODS = HttpString.tryFromString("Access-Control-Allow-Methods");
    static final HttpString ALLOW_HEADERS = HttpString.tryFromString("Access-Control-Allow-Headers");
    static final HttpString EXPOSE_HEADERS = HttpString.tryFromString("Access-Control-Expose-Headers");
    static final HttpString MAX_AGE = HttpString.tryFromString("Access-Control-Max-Age");
    static final HttpString REQUEST_METHOD = HttpString.tryFromString("Access-Control-Request-Method");
    static final HttpString VARY = HttpString.tryFromString("Vary");

    static final String METHODS = "GET, POST, DELETE, OPTIONS";
    static final String REQUEST_HEADERS = "Authorization, Content-Type, Accept, Mcp-Session-Id, MCP-Protocol-Version, "
            + "Last-Event-ID, Mcp-Method, Mcp-Name";
    static final String EXPOSED = "Mcp-Session-Id, MCP-Protocol-Version, WWW-Authenticate, Retry-After";

    private final AllowedOrigins allowed;
    private final HttpHandler next;

    public CorsHandler(AllowedOrigins allowed, HttpHandler next) {
        this.allowed = Objects.requireNonNull(allowed);
        this.next = Objects.requireNonNull(next);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        String origin = exchange.getRequestHeaders().getFirst(io.undertow.util.Headers.ORIGIN);
        if (origin == null || !allowed.allows(origin)) {
            next.handleRequest(exchange);
            return;
        }
        var headers = exchange.getResponseHeaders();
        headers.put(ALLOW_ORIGIN, origin);
        headers.add(VARY, "Origin");
        boolean preflight = exchange.getRequestMethod().equals(Methods.OPTIONS)
                && exchange.getRequestHeaders().contains(REQUEST_METHOD);
        if (preflight) {
            headers.put(ALLOW_METHODS, METHODS);
            headers.put(ALLOW_HEADERS, REQUEST_HEADERS);
            headers.put(MAX_AGE, "600");
            exchange.setStatusCode(204);
            exchange.endExchange();
            return;
        }
        headers.put(EXPOSE_HEADERS, EXPOSED);
        next.handleRequest(exchange);
    }
}
