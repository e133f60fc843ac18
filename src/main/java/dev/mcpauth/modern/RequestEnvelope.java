package dev.mcpauth.modern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.jsonrpc.JsonRpcReply;
import java.util.Optional;

/**
 * The transport-independent checks of a modern request (MCP 2026-07-28, basic/index "Per-request protocol fields"
 * and basic/versioning): one JSON-RPC request or notification; a request carries its protocol version and client
 * capabilities in {@code _meta}; the version is one this server implements. Used by the HTTP front (after its header
 * rules) and by stdio, where the body is all there is.
 */
public final class RequestEnvelope {

    private RequestEnvelope() {
    }

    /** Whether a message is a notification (a method and no id): the server accepts it and answers nothing. */
    public static boolean isNotification(JsonNode message) {
        return message.isObject() && message.path("method").isTextual() && !message.has("id");
    }

    /** The first problem with a modern message, as the error reply to send, or empty when it is well formed. */
    public static Optional<JsonRpcReply> problem(JsonNode message) {
        if (!message.isObject()) {
            return Optional.of(JsonRpcReply.error(400, null, ModernProtocol.INVALID_REQUEST,
                    "Invalid Request: MCP " + ModernProtocol.VERSION + " takes exactly one JSON-RPC message per request, not a batch", null));
        }
        JsonNode id = message.path("id");
        if (!message.path("method").isTextual()) {
            return Optional.of(JsonRpcReply.error(400, idOrNull(id), ModernProtocol.INVALID_REQUEST,
                    "Invalid Request: a client sends JSON-RPC requests and notifications only, each with a string 'method'", null));
        }
        if (isNotification(message)) {
            return Optional.empty();
        }
        if (!id.isTextual() && !id.isIntegralNumber()) {
            return Optional.of(JsonRpcReply.error(400, null, ModernProtocol.INVALID_REQUEST,
                    "Invalid Request: the request id must be a string or an integer, never null", null));
        }
        JsonNode meta = message.path("params").path("_meta");
        JsonNode version = meta.path(ModernProtocol.PROTOCOL_VERSION_META);
        if (!version.isTextual()) {
            return Optional.of(missingMeta(id, ModernProtocol.PROTOCOL_VERSION_META, "the protocol version of this request, e.g. \""
                    + ModernProtocol.VERSION + "\""));
        }
        if (!ModernProtocol.MODERN_VERSIONS.contains(version.asText())) {
            return Optional.of(unsupportedVersion(id, version.asText()));
        }
        if (!meta.path(ModernProtocol.CLIENT_CAPABILITIES_META).isObject()) {
            return Optional.of(missingMeta(id, ModernProtocol.CLIENT_CAPABILITIES_META, "the client's capabilities for this request ({} for none)"));
        }
        return Optional.empty();
    }

    /** UnsupportedProtocolVersionError: 400 with every version the endpoint speaks (basic/versioning). */
    public static JsonRpcReply unsupportedVersion(JsonNode id, String requested) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        ModernProtocol.SUPPORTED_VERSIONS.forEach(data.putArray("supported")::add);
        data.put("requested", requested);
        String hint = ModernProtocol.isModern(requested) ? "" : "; " + requested + " is served after an initialize handshake, without per-request _meta";
        return JsonRpcReply.error(400, id, ModernProtocol.UNSUPPORTED_PROTOCOL_VERSION,
                "Unsupported protocol version " + requested + ": this server supports " + String.join(", ", ModernProtocol.SUPPORTED_VERSIONS) + hint,
                data);
    }

    private static JsonRpcReply missingMeta(JsonNode id, String key, String what) {
        return JsonRpcReply.error(400, id, ModernProtocol.INVALID_PARAMS,
                "Invalid params: params._meta[\"" + key + "\"] is required on every request: " + what, null);
    }

    static JsonNode idOrNull(JsonNode id) {
        return id.isTextual() || id.isIntegralNumber() ? id : null;
    }
}
