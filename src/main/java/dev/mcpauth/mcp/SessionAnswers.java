package dev.mcpauth.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.json.Json;
import dev.mcpauth.jsonrpc.JsonRpcReply;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Objects;

/**
 * How a 2025 client with a session (Streamable HTTP with {@code Mcp-Session-Id}, or stdio) is answered: the
 * {@code initialize} result, then each request by the relay (completion, resource subscriptions: {@link RelayRequests}),
 * by {@code logging/setLevel} (already passed on to the upstreams by {@link RelayTap}), or by the one
 * {@link McpDispatch}. The fronts only frame: HTTP writes the answer on the request's SSE stream, stdio on stdout.
 */
final class SessionAnswers {

    private final McpDispatch dispatch;
    private final RelayTap relay;
    private final ObjectNode serverInfo;

    SessionAnswers(McpDispatch dispatch, RelayTap relay, String serverName, String serverVersion) {
        this.dispatch = Objects.requireNonNull(dispatch);
        this.relay = Objects.requireNonNull(relay);
        this.serverInfo = JsonNodeFactory.instance.objectNode().put("name", serverName).put("version", serverVersion);
    }

    /**
     * What a session is offered: tools, prompts and resources that can change at run time (upstreams come and go),
     * and what the relay carries beyond lists and calls: resource subscriptions and completions
     * ({@link RelayRequests}), log messages, and the upstreams' requests to the client.
     */
    private static final ObjectNode CAPABILITIES = capabilities();

    private static ObjectNode capabilities() {
        ObjectNode capabilities = JsonNodeFactory.instance.objectNode();
        capabilities.putObject("completions");
        capabilities.putObject("logging");
        capabilities.setAll(McpDispatch.offeredCapabilities(true));
        return capabilities;
    }

    JsonRpcReply initialize(JsonNode id, JsonNode params) {
        return JsonRpcReply.result(id, McpDispatch.initializeResult(params, CAPABILITIES, serverInfo));
    }

    /** The response to one request of {@code session}, made with {@code channel} as the request's way back. */
    JsonRpcReply answer(CallerChannel channel, McpTransportContext context, JsonNode request) {
        JsonNode id = request.get("id");
        String method = request.path("method").asText();
        JsonNode params = params(request);
        if (relay.answers(method)) {
            Object rawId = Json.id(id);
            return new JsonRpcReply(200, relay.answer(context, channel, rawId, method, params));
        }
        if (McpSchema.METHOD_LOGGING_SET_LEVEL.equals(method)) {
            // The level was checked at the edge (JsonRpcMessages); the gateway itself sends no log messages.
            return JsonRpcReply.result(id, JsonNodeFactory.instance.objectNode());
        }
        if (McpSchema.METHOD_INITIALIZE.equals(method)) {
            return JsonRpcReply.error(200, id, McpSchema.ErrorCodes.INVALID_REQUEST,
                    "Invalid Request: this session is initialized already; start a new one to initialize again", null);
        }
        return dispatch.answer(id, method, params, context);
    }

    /** A message's params; an empty object when absent. */
    static JsonNode params(JsonNode message) {
        JsonNode params = message.get("params");
        return params != null && params.isObject() ? params : JsonNodeFactory.instance.objectNode();
    }
}
