package dev.mcpauth.resource;

import dev.mcpauth.http.JsonErrors;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Serves the RFC 9728 document. Public: no token is needed to learn where to get one. Mount it at every path of
 * {@link ProtectedResourceMetadata#paths()}. Any origin may read it, as browser-based MCP clients must.
 */
public final class ProtectedResourceMetadataHandler implements HttpHandler {

    private static final HttpString ALLOW_ORIGIN = HttpString.tryFromString("Access-Control-Allow-Origin");
    private static final HttpString ALLOW_METHODS = HttpString.tryFromString("Access-Control-Allow-Methods");
    private static final HttpString ALLOW_HEADERS = HttpString.tryFromString("Access-Control-Allow-Headers");

    private final byte[] document;

    public ProtectedResourceMetadataHandler(ProtectedResourceMetadata metadata) {
        this.document = metadata.toJson().toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        // A public, non-credentialed document: any origin may read it (RFC 9728 clients in browsers).
        exchange.getResponseHeaders().put(ALLOW_ORIGIN, "*");
        if (exchange.getRequestMethod().equals(Methods.OPTIONS)) {
            exchange.getResponseHeaders().put(ALLOW_METHODS, "GET, HEAD, OPTIONS");
            exchange.getResponseHeaders().put(ALLOW_HEADERS, "MCP-Protocol-Version");
            exchange.setStatusCode(204);
            exchange.endExchange();
            return;
        }
        if (!exchange.getRequestMethod().equals(Methods.GET) && !exchange.getRequestMethod().equals(Methods.HEAD)) {
            exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD, OPTIONS");
            JsonErrors.send(exchange, 405, "method_not_allowed", "The protected resource metadata is read with GET");
            return;
        }
        exchange.setStatusCode(200);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        // Changes only with configuration; an hour of caching spares the server without stranding clients long.
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "public, max-age=3600");
        exchange.getResponseSender().send(ByteBuffer.wrap(document));
    }
}
