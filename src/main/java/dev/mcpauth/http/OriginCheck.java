package dev.mcpauth.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.util.Objects;

/**
 * DNS-rebinding defence (MCP transports, "Security Warning"): a request carrying an {@code Origin} header that
 * is not allowed gets 403 before anything else runs. Requests without {@code Origin} (non-browser clients)
 * pass: browsers always send it on the cross-origin requests this defends against.
 */
public final class OriginCheck implements HttpHandler {

    private final AllowedOrigins allowed;
    private final HttpHandler next;

    public OriginCheck(AllowedOrigins allowed, HttpHandler next) {
        this.allowed = Objects.requireNonNull(allowed);
        this.next = Objects.requireNonNull(next);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        var origins = exchange.getRequestHeaders().get(Headers.ORIGIN);
        if (origins != null && !origins.isEmpty()) {
            // More than one Origin is never sent by a browser; treat it as forged.
            if (origins.size() > 1 || !allowed.allows(origins.getFirst())) {
                JsonErrors.send(exchange, 403, "forbidden_origin",
                        "Requests from origin '" + printable(origins.getFirst()) + "' are not allowed; allowed origins are: "
                                + allowed + " (add the origin to the allowed origins setting if it is yours)");
                return;
            }
        }
        next.handleRequest(exchange);
    }

    private static String printable(String s) {
        String cut = s.length() > 200 ? s.substring(0, 200) : s;
        return cut.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
