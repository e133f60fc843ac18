package dev.mcpauth.mcp;

import dev.mcpauth.policy.Decision;
import dev.mcpauth.policy.ScopePolicy;
import dev.mcpauth.token.AccessToken;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a catalog tool for one {@code tools/call}: checks the caller's token against the {@link ScopePolicy} again
 * (defence in depth over the HTTP layer, and the only guard on stdio), then the tool's handler. Denials are JSON-RPC
 * errors carrying the same fields as the HTTP 403 body; arguments that do not match the tool's input schema, and a tool
 * that throws, become {@code isError} results (SEP-1303: the model can read them and correct its call).
 */
public final class ToolInvoker {

    /** JSON-RPC error code for a token that lacks a tool's scopes (the 403 of the JSON-RPC layer). */
    public static final int INSUFFICIENT_SCOPE = -32003;
    /** JSON-RPC error code for a missing, expired or rejected token (the 401 of the JSON-RPC layer). */
    public static final int INVALID_TOKEN = -32001;

    private static final Logger log = LoggerFactory.getLogger(ToolInvoker.class);

    private final ToolCatalog catalog;
    private final ScopePolicy policy;
    private final String scopeUpgradeEndpoint;
    private final Clock clock;
    private final ToolSchemas schemas;

    public ToolInvoker(ToolCatalog catalog, ScopePolicy policy, String scopeUpgradeEndpoint, Clock clock) {
        this(catalog, policy, scopeUpgradeEndpoint, clock, new ToolSchemas());
    }

    public ToolInvoker(ToolCatalog catalog, ScopePolicy policy, String scopeUpgradeEndpoint, Clock clock, ToolSchemas schemas) {
        this.catalog = catalog;
        this.policy = policy;
        this.scopeUpgradeEndpoint = scopeUpgradeEndpoint;
        this.clock = clock;
        this.schemas = schemas;
    }

    /**
     * Whether {@code tools/list} shows {@code tool} to this caller: only tools its scopes permit. A request without a
     * token (no-auth mode) holds no scopes, so it sees the tools the policy lets anyone call.
     */
    public boolean visible(McpTransportContext context, McpSchema.Tool tool) {
        AccessToken token = ExchangeContextExtractor.accessToken(context);
        if (token != null && token.isExpired(clock.instant())) {
            return false;
        }
        return policy.permits(tool.name(), token == null ? Set.of() : token.scopes());
    }

    public McpSchema.CallToolResult call(McpTransportContext context, McpSchema.CallToolRequest request) {
        String name = request.name();
        AccessToken token = ExchangeContextExtractor.accessToken(context);
        if (token != null && token.isExpired(clock.instant())) {
            throw expired(token);
        }
        Set<String> granted = token == null ? Set.of() : token.scopes();
        Decision decision = policy.decide(name, granted);
        if (!decision.allowed()) {
            log.info("tool call denied: principal={} client={} tool={} reason={}", principal(token),
                    token == null ? null : token.clientId(), name, decision.reason());
            throw insufficientScope(decision, granted);
        }
        CatalogTool tool = catalog.find(name).orElseThrow(() -> McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS)
                .message("Unknown tool: " + name).build());
        // Arguments are checked here, not by the SDK, so that every front (both protocol eras, HTTP and stdio) checks
        // them alike, and against a schema compiled once (ToolSchemas).
        String invalid = schemas.checkArguments(tool.tool(), request.arguments());
        if (invalid != null) {
            return McpSchema.CallToolResult.builder().addTextContent(invalid).isError(true).build();
        }
        try {
            McpSchema.CallToolResult result = tool.handler().call(new ToolCall(token, name, request.arguments()));
            if (result == null) {
                throw new IllegalStateException("tool handler returned no result");
            }
            return result;
        } catch (McpError e) {
            // A deliberate protocol error (e.g. relayed from an upstream server): its message is meant for the client.
            throw e;
        } catch (Exception e) {
            log.warn("tool {} failed for {}", name, principal(token), e);
            return McpSchema.CallToolResult.builder()
                    .addTextContent("Tool '" + name + "' failed unexpectedly; the gateway logged the details.")
                    .isError(true)
                    .build();
        }
    }

    private McpError insufficientScope(Decision decision, Set<String> granted) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("error", "insufficient_scope");
        data.put("required_scope", String.join(" ", decision.required()));
        data.put("token_scopes", String.join(" ", new TreeSet<>(granted)));
        if (scopeUpgradeEndpoint != null) {
            data.put("scope_upgrade_endpoint", scopeUpgradeEndpoint);
        }
        return McpError.builder(INSUFFICIENT_SCOPE)
                .message("Insufficient scope: tool '" + decision.tool() + "' requires scope " + String.join(" ", decision.missing())
                        + ", which the token does not grant")
                .data(data)
                .build();
    }

    private static McpError expired(AccessToken token) {
        String description = "The access token expired at " + token.expiresAt() + "; obtain a new token and reconnect";
        return McpError.builder(INVALID_TOKEN)
                .message(description)
                .data(Map.of("error", "invalid_token", "error_description", description))
                .build();
    }

    private static String principal(AccessToken token) {
        return token == null ? "anonymous" : token.principal();
    }
}
