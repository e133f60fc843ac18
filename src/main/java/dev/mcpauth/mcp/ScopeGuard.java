package dev.mcpauth.mcp;

import dev.mcpauth.metrics.Metrics;
import dev.mcpauth.policy.Decision;
import dev.mcpauth.policy.Policy;
import dev.mcpauth.policy.PolicyRequest;
import dev.mcpauth.resource.AuditLog;
import dev.mcpauth.resource.AuthorizationEvent;
import dev.mcpauth.token.AccessToken;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@link Policy} check inside the MCP servers, shared by tools, prompts and resources: defence in depth over
 * the HTTP layer, and the only guard on stdio. Denials are JSON-RPC errors carrying the same fields as the HTTP 403 /
 * 429 body. A request without a token (no-auth mode) holds no scopes. A request the HTTP edge already admitted
 * ({@link RequestContexts#EDGE_ADMITTED_KEY}) is checked again but not charged against the rate limits twice.
 */
final class ScopeGuard {

    /** JSON-RPC error code for a call refused by a per-caller rate limit (the 429 of the JSON-RPC layer). */
    static final int RATE_LIMITED = -32029;

    private static final AuditLog AUDIT = new AuditLog();
    /** How upstream sources are named in the catalog (UpstreamSpec.source()). */
    static final String UPSTREAM_SOURCE = "upstream:";

    private final Policy policy;
    private final String scopeUpgradeEndpoint;
    private final Clock clock;

    ScopeGuard(Policy policy, String scopeUpgradeEndpoint, Clock clock) {
        this.policy = policy;
        this.scopeUpgradeEndpoint = scopeUpgradeEndpoint;
        this.clock = clock;
    }

    /** Whether a list shows the entry the policy knows as {@code policyName} to this caller (a list's kind does not matter). */
    boolean permits(McpTransportContext context, String policyName) {
        AccessToken token = RequestContexts.accessToken(context);
        if (token != null && token.isExpired(clock.instant())) {
            return false;
        }
        return policy.visible(token, PolicyRequest.Kind.TOOL, policyName);
    }

    /** Whether a list showing {@code policyName} depends on who asks. */
    boolean restricted(String policyName) {
        return policy.dependsOnCaller(policyName);
    }

    /**
     * The caller's token (null without authentication) if it may get the prompt or read the resource {@code request}
     * names; otherwise throws the JSON-RPC error to answer with.
     */
    AccessToken authorize(McpTransportContext context, PolicyRequest request) {
        admit(context, request).release();
        return RequestContexts.accessToken(context);
    }

    /**
     * The allowed decision for {@code request}, holding the call's place among the caller's concurrent calls until
     * {@link Decision#release()}; otherwise throws the JSON-RPC error to answer with.
     */
    Decision admit(McpTransportContext context, PolicyRequest request) {
        return admit(context, request, null);
    }

    /**
     * As {@link #admit(McpTransportContext, PolicyRequest)}, with the request's {@code _meta} (for its trace id). A
     * denial is audited here, an allowed prompt or resource too; an allowed tool call once it has run ({@link #ran}).
     */
    Decision admit(McpTransportContext context, PolicyRequest request, Map<String, Object> meta) {
        AccessToken token = RequestContexts.accessToken(context);
        if (token != null && token.isExpired(clock.instant())) {
            throw expired(token);
        }
        boolean admittedAtEdge = context != null && Boolean.TRUE.equals(context.get(RequestContexts.EDGE_ADMITTED_KEY));
        Decision decision = policy.decide(token, admittedAtEdge ? request.recheck() : request);
        if (!decision.allowed()) {
            String kind = request.kind().word();
            AUDIT.authorization(AuthorizationEvent.decided(transport(context), kind, request.name(), token, decision, traceId(context, meta)));
            throw denied(kind, decision, token == null ? Set.of() : token.scopes());
        }
        if (request.kind() != PolicyRequest.Kind.TOOL) {
            AUDIT.authorization(AuthorizationEvent.decided(transport(context), request.kind().word(), request.name(), token, decision,
                    traceId(context, meta)));
        }
        return decision;
    }

    /** An allowed tool call has run: one audit event and one latency observation. */
    void ran(McpTransportContext context, McpSchema.CallToolRequest request, Decision decision, String source, String outcome, long nanos) {
        // "builtin", the upstream's name, or "none" for a tool the catalog does not have.
        String upstream = source == null ? "none" : source.startsWith(UPSTREAM_SOURCE) ? source.substring(UPSTREAM_SOURCE.length()) : source;
        Duration took = Duration.ofNanos(nanos);
        Metrics.toolCall(request.name(), upstream, outcome, took);
        AUDIT.authorization(AuthorizationEvent.ran(transport(context), request.name(), RequestContexts.accessToken(context), decision,
                upstream, outcome, took, traceId(context, request.meta())));
    }

    private static String transport(McpTransportContext context) {
        return context != null && context.get(RequestContexts.TRANSPORT_KEY) instanceof String t ? t : null;
    }

    /** The trace id of the request: its {@code _meta.traceparent} (MCP 2026-07-28), else the HTTP request's. */
    private static String traceId(McpTransportContext context, Map<String, Object> meta) {
        String fromMeta = meta == null ? null : AuthorizationEvent.traceId(meta.get(RequestContexts.TRACEPARENT_KEY));
        return fromMeta != null ? fromMeta : AuthorizationEvent.traceId(RequestContexts.traceParent(context));
    }

    private McpError denied(String kind, Decision decision, Set<String> granted) {
        Map<String, Object> data = new LinkedHashMap<>();
        switch (decision.outcome()) {
            case CONDITION_FAILED -> {
                // The rule's own words and no scope hint: no scope would help.
                data.put("error", "access_denied");
                data.put("error_description", decision.message());
                data.put(kind, decision.tool());
                return McpError.builder(ToolInvoker.INSUFFICIENT_SCOPE)
                        .message("Access denied: " + kind + " '" + decision.tool() + "': " + decision.message()).data(data).build();
            }
            case RATE_LIMITED -> {
                data.put("error", "rate_limited");
                data.put("error_description", decision.message());
                data.put("limit", decision.limit());
                data.put("retry_after", decision.retryAfterSeconds());
                data.put(kind, decision.tool());
                return McpError.builder(RATE_LIMITED).message("Rate limited: " + decision.message()).data(data).build();
            }
            default -> {
                data.put("error", "insufficient_scope");
                data.put("required_scope", String.join(" ", decision.required()));
                data.put("token_scopes", String.join(" ", new TreeSet<>(granted)));
                if (scopeUpgradeEndpoint != null) {
                    data.put("scope_upgrade_endpoint", scopeUpgradeEndpoint);
                }
                return McpError.builder(ToolInvoker.INSUFFICIENT_SCOPE)
                        .message("Insufficient scope: " + kind + " '" + decision.tool() + "' requires scope " + String.join(" ", decision.sufficient())
                                + ", which the token does not grant")
                        .data(data)
                        .build();
            }
        }
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
