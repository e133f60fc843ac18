package dev.mcpauth.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.http.IoThreadSend;
import dev.mcpauth.http.JsonErrors;
import dev.mcpauth.jsonrpc.JsonRpcReply;
import dev.mcpauth.mcp.JsonRpcHttp.BadMessage;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpSchema;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * The stateless flavour of Streamable HTTP ({@code --stateless}, MCP 2025-xx): no sessions, no server-to-client
 * stream. Every POSTed request is answered with one {@code application/json} response from {@link McpDispatch} (the
 * same dispatch as the 2026-07-28 front); {@code initialize} is this front's own: it negotiates the version and
 * names what is served, and remembers nothing. A notification gets 202; GET and DELETE get 405, as the spec allows
 * for a server that offers no SSE stream and no session to end.
 */
public final class StatelessMcpHandler implements HttpHandler, McpFront {

    /**
     * Tools, prompts and resources that can change at run time (upstreams come and go). No logging: without a session
     * there is no stream to send log messages on and no {@code logging/setLevel}, and a client that sees it calls
     * setLevel at once (the MCP Inspector then fails to connect). No resource subscriptions and no completions: those
     * are relayed for sessions only.
     */
    static final ObjectNode CAPABILITIES = McpDispatch.offeredCapabilities(false);

    private final McpDispatch dispatch;
    private final ObjectNode serverInfo;
    private volatile boolean closing;

    public StatelessMcpHandler(McpDispatch dispatch, String serverName, String serverVersion) {
        this.dispatch = Objects.requireNonNull(dispatch);
        this.serverInfo = JsonNodeFactory.instance.objectNode().put("name", serverName).put("version", serverVersion);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (JsonRpcHttp.dispatchedOffIoThread(exchange, this)) {
            return;
        }
        if (closing) {
            JsonErrors.send(exchange, StatusCodes.SERVICE_UNAVAILABLE, "temporarily_unavailable", "The MCP server is shutting down");
            return;
        }
        if (!Methods.POST.equals(exchange.getRequestMethod())) {
            JsonRpcHttp.methodNotAllowed(exchange, "POST",
                    "This MCP server is stateless: it offers no server-to-client stream (GET) and no session to end (DELETE)");
            return;
        }
        try {
            post(exchange);
        } catch (BadMessage bad) {
            JsonRpcHttp.sendError(exchange, bad);
        }
    }

    private void post(HttpServerExchange exchange) throws BadMessage {
        JsonRpcHttp.requireAccept(exchange, List.of(JsonRpcHttp.APPLICATION_JSON));
        JsonNode message = JsonRpcHttp.readJson(exchange, JsonRpcHttp.DEFAULT_MAX_BODY_BYTES);
        String method = message.path("method").asText(null);
        if (!McpSchema.METHOD_INITIALIZE.equals(method)) {
            JsonRpcHttp.requireSupportedProtocolVersion(exchange, UndertowStreamableTransport.PROTOCOL_VERSIONS);
        }
        if (method == null) {
            throw new BadMessage(StatusCodes.BAD_REQUEST, McpSchema.ErrorCodes.INVALID_REQUEST,
                    "A stateless server sends no requests, so it accepts no responses");
        }
        if (!message.has("id")) {
            // A notification: nothing to act on without a session (cancellation is closing the response).
            exchange.setStatusCode(StatusCodes.ACCEPTED);
            IoThreadSend.send(exchange, ByteBuffer.allocate(0));
            return;
        }
        JsonNode id = message.get("id");
        JsonErrors.sendJson(exchange, StatusCodes.OK, answer(id, method, params(message), RequestContexts.forExchange(exchange)).message());
    }

    private JsonRpcReply answer(JsonNode id, String method, JsonNode params, McpTransportContext context) {
        if (McpSchema.METHOD_INITIALIZE.equals(method)) {
            return JsonRpcReply.result(id, McpDispatch.initializeResult(params, CAPABILITIES, serverInfo));
        }
        return dispatch.answer(id, method, params, context);
    }

    private static JsonNode params(JsonNode message) {
        JsonNode params = message.get("params");
        return params != null && params.isObject() ? params : JsonNodeFactory.instance.objectNode();
    }

    /** Stops answering: requests from now on get 503 (shutdown). */
    @Override
    public void close() {
        closing = true;
    }
}
