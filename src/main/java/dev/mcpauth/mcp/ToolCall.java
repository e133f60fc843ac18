package dev.mcpauth.mcp;

import dev.mcpauth.token.AccessToken;
import java.util.Map;

/**
 * One invocation of a catalog tool.
 *
 * @param caller    the verified token of whoever calls (already authorized by the policy)
 * @param name      the tool name as the gateway exposes it
 * @param arguments the call's arguments, as plain JSON values (never null)
 */
public record ToolCall(AccessToken caller, String name, Map<String, Object> arguments) {

    public ToolCall {
        arguments = arguments == null ? Map.of() : arguments;
    }
}
