package dev.mcpauth.mcp;

import dev.mcpauth.policy.Decision;
import dev.mcpauth.policy.ScopePolicy;
import dev.mcpauth.token.AccessToken;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpError;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ScopePolicy} check inside the MCP servers, shared by tools, prompts and resources: defence in depth over
 * the HTTP layer, and the only guard on stdio. Denials are JSON-RPC errors carrying the same fields as the HTTP 403
 * body. A request without a token (no-auth mode) holds no scopes.
 */
final class ScopeGuard {

    private static final Logger log = LoggerFactory.getLogger(ScopeGuard.class);

    private final ScopePolicy policy;
    private final String scopeUpgradeEndpoint;
    private final Clock clock;

    ScopeGuard(ScopePolicy policy, String scopeUpgradeEndpoint, Clock clock) {
        this.policy = policy;
        this.scopeUpgradeEndpoint = scopeUpgradeEndpoint;
        this.clock = clock;
    }

    /** Whether a list shows the entry the policy knows as {@code policyName} to this caller. */
    boolean permits(McpTransportContext context, String policyName) {
        AccessToken token = ExchangeContextExtractor.accessToken(context);
        if (token != null && token.isExpired(clock.instant())) {
            return false;
        }
        return policy.permits(policyName, token == null ? Set.of() : token.scopes());
    }

    /** Whether the policy asks any scope for {@code policyName} (a list showing it then depends on who asks). */
    boolean restricted(String policyName) {
        return !policy.requiredScopes(policyName).isEmpty();
    }

    /**
     * The caller's token (null without authentication) if it may use the {@code kind} ("tool", "prompt", "resource")
     * the policy knows as {@code policyName}; otherwise throws the JSON-RPC error to answer with.
     */
    AccessToken authorize(McpTransportContext context, String kind, String policyName) {
        AccessToken token = ExchangeContextExtractor.accessToken(context);
        if (token != null && token.isExpired(clock.instant())) {
            throw expired(token);
        }
        Set<String> granted = token == null ? Set.of() : token.scopes();
        Decision decision = policy.decide(policyName, granted);
        if (!decision.allowed()) {
            log.info("{} denied: principal={} client={} {}={} reason={}", kind, principal(token),
                    token == null ? null : token.clientId(), kind, policyName, decision.reason());
            throw insufficientScope(kind, decision, granted);
        }
        return token;
    }

    private McpError insufficientScope(String kind, Decision decision, Set<String> granted) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("error", "insufficient_scope");
        data.put("required_scope", String.join(" ", decision.required()));
        data.put("token_scopes", String.join(" ", new TreeSet<>(granted)));
        if (scopeUpgradeEndpoint != null) {
            data.put("scope_upgrade_endpoint", scopeUpgradeEndpoint);
        }
        return McpError.builder(ToolInvoker.INSUFFICIENT_SCOPE)
                .message("Insufficient scope: " + kind + " '" + decision.tool() + "' requires scope " + String.join(" ", decision.missing())
                        + ", which the token does not grant")
                .data(data)
                .build();
    }

    private static McpError expired(AccessToken token) {
        String description = "The access token expired at " + token.expiresAt() + "; obtain a new token and reconnect";
        return McpError.builder(ToolInvoker.INVALID_TOKEN)
                .message(description)
                .data(Map.of("error", "invalid_token", "error_description", description))
                .build();
    }

    static String principal(AccessToken token) {
        return token == null ? "anonymous" : token.principal();
    }
}
