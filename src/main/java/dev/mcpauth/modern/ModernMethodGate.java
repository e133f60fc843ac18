package dev.mcpauth.modern;

import dev.mcpauth.http.JsonErrors;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.util.Objects;

/**
 * MCP 2026-07-28 has no GET stream and no sessions to DELETE: a GET or DELETE that declares a modern
 * {@code MCP-Protocol-Version} is answered {@code 405 Method Not Allowed} (streamable-http, "Earlier Streamable HTTP
 * Revisions"), before any legacy rule about Accept headers or session ids. Other requests pass.
 */
public final class ModernMethodGate implements HttpHandler {

    private static final HttpString PROTOCOL_VERSION = HttpString.tryFromString(ModernProtocol.PROTOCOL_VERSION_HEADER);

    private final HttpHandler next;

    public ModernMethodGate(HttpHandler next) {
        this.next = Objects.requireNonNull(next);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        HttpString method = exchange.getRequestMethod();
        boolean streamOrSession = method.equals(Methods.GET) || method.equals(Methods.DELETE);
        if (streamOrSession && ModernProtocol.isModern(exchange.getRequestHeaders().getFirst(PROTOCOL_VERSION))) {
            exchange.getResponseHeaders().put(Headers.ALLOW, "POST");
            JsonErrors.send(exchange, 405, "method_not_allowed", "MCP " + ModernProtocol.VERSION
                    + " has no GET stream and no sessions: POST each request, and use subscriptions/listen for change notifications");
            return;
        }
        next.handleRequest(exchange);
    }
}
