package dev.mcpauth.modern;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.http.Exchanges;
import dev.mcpauth.http.JsonErrors;
import dev.mcpauth.http.JsonRpcBody;
import dev.mcpauth.http.MetadataHeaders;
import dev.mcpauth.jsonrpc.JsonRpcReply;
import dev.mcpauth.mcp.ToolCatalog;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import java.util.Objects;
import java.util.Optional;

/**
 * The header rules of MCP 2026-07-28 Streamable HTTP ("Request Metadata", "Server Validation") for a modern POST,
 * before any per-tool policy: {@code MCP-Protocol-Version} and {@code Mcp-Method} on every request, {@code Mcp-Name}
 * on {@code tools/call}, {@code resources/read} and {@code prompts/get}, and the {@code Mcp-Param-*} headers a tool
 * declares, each equal to the body after Base64-sentinel decoding. A missing or different header is {@code 400} with
 * HeaderMismatch ({@value ModernProtocol#HEADER_MISMATCH}): a router acting on the headers and this gateway acting on
 * the body must never see two different requests. Then the {@code _meta} rules of {@link RequestEnvelope}.
 * Runs after authentication, so nothing about tools is told to a caller who has not shown a good token.
 */
public final class ModernHeaderValidator implements HttpHandler {

    private static final HttpString PROTOCOL_VERSION = HttpString.tryFromString(ModernProtocol.PROTOCOL_VERSION_HEADER);

    private final ToolCatalog catalog;
    private final HttpHandler next;

    public ModernHeaderValidator(ToolCatalog catalog, HttpHandler next) {
        this.catalog = Objects.requireNonNull(catalog);
        this.next = Objects.requireNonNull(next);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        JsonRpcBody body = exchange.getAttachment(Exchanges.JSON_RPC_BODY);
        if (body == null) {
            JsonErrors.send(exchange, 500, "server_error", "The server is misconfigured and cannot validate this request");
            return;
        }
        JsonNode message = body.json();
        Optional<JsonRpcReply> problem = RequestEnvelope.isNotification(message) ? Optional.empty() : headerProblem(exchange, message)
                .or(() -> RequestEnvelope.problem(message))
                .or(() -> paramProblem(exchange, message));
        if (problem.isPresent()) {
            JsonErrors.sendJson(exchange, problem.get().status(), problem.get().message());
            return;
        }
        next.handleRequest(exchange);
    }

    /** The standard headers: present, well formed, and equal to the body. */
    private static Optional<JsonRpcReply> headerProblem(HttpServerExchange exchange, JsonNode message) {
        if (!message.isObject() || !message.path("method").isTextual()) {
            return RequestEnvelope.problem(message);
        }
        JsonNode id = RequestEnvelope.idOrNull(message.path("id"));
        String version = exchange.getRequestHeaders().getFirst(PROTOCOL_VERSION);
        if (version == null) {
            return mismatch(id, "the MCP-Protocol-Version header is required on every request");
        }
        Optional<String> metadata = MetadataHeaders.problem(exchange.getRequestHeaders(), message, true);
        if (metadata.isPresent()) {
            return mismatch(id, metadata.get());
        }
        JsonNode metaVersion = message.path("params").path("_meta").path(ModernProtocol.PROTOCOL_VERSION_META);
        if (metaVersion.isTextual() && !metaVersion.asText().equals(version)) {
            return mismatch(id, "MCP-Protocol-Version header value '" + MetadataHeaders.printable(version) + "' does not match params._meta[\""
                    + ModernProtocol.PROTOCOL_VERSION_META + "\"] '" + metaVersion.asText() + "'");
        }
        return Optional.empty();
    }

    /** {@code Mcp-Param-*}: only a tools/call of a tool this catalog has can declare them. */
    private Optional<JsonRpcReply> paramProblem(HttpServerExchange exchange, JsonNode message) {
        if (!ModernProtocol.TOOLS_CALL.equals(message.path("method").asText())) {
            return Optional.empty();
        }
        JsonNode params = message.path("params");
        return catalog.find(params.path("name").asText(""))
                .flatMap(tool -> McpParamHeaders.mismatch(tool.tool(), exchange.getRequestHeaders()::getFirst, params.path("arguments")))
                .flatMap(detail -> mismatch(RequestEnvelope.idOrNull(message.path("id")), detail));
    }

    private static Optional<JsonRpcReply> mismatch(JsonNode id, String detail) {
        return Optional.of(JsonRpcReply.error(400, id, ModernProtocol.HEADER_MISMATCH, "Header mismatch: " + detail, null));
    }
}
