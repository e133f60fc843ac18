package dev.mcpauth.mcp;

import dev.mcpauth.token.AccessToken;
import java.util.Map;

/**
 * One invocation of a catalog tool.
 *
 * @param caller    the verified token of whoever calls (already authorized by the policy)
 * @param name      the tool name as the gateway exposes it
 * @param arguments the call's arguments, as plain JSON values (never null)
 * @param meta      the request's {@code _meta} (e.g. {@code progressToken}), passed on to an upstream unchanged (never null)
 * @param channel   the client-facing side of the request, when the front relays (null otherwise)
 */
public record ToolCall(AccessToken caller, String name, Map<String, Object> arguments, Map<String, Object> meta, CallerChannel channel) {

    public ToolCall {
        arguments = arguments == null ? Map.of() : arguments;
        meta = meta == null ? Map.of() : meta;
    }

    public ToolCall(AccessToken caller, String name, Map<String, Object> arguments) {
        this(caller, name, arguments, null, null);
    }
}
