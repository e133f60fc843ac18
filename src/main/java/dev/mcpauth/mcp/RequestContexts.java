package dev.mcpauth.mcp;

import dev.mcpauth.http.Exchanges;
import dev.mcpauth.http.RequestTrace;
import dev.mcpauth.token.AccessToken;
import dev.mcpauth.trace.CallTrace;
import dev.mcpauth.trace.TraceParent;
import io.modelcontextprotocol.common.McpTransportContext;
import io.undertow.server.HttpServerExchange;
import java.util.HashMap;
import java.util.Map;

/**
 * Carries what the HTTP chain (or stdio) learned about a request into its {@link McpTransportContext}, where the
 * invokers and tool handlers read it: the caller's verified {@link AccessToken} (under {@link AccessToken#CONTEXT_KEY}),
 * whether the edge's policy check admitted it, and its trace context. Never the Authorization header: the token
 * itself stays at the edge.
 */
public final class RequestContexts {

    /** Present (true) when the HTTP edge's policy check admitted this request and charged its rate limits. */
    public static final String EDGE_ADMITTED_KEY = "dev.mcpauth.policy-admitted";
    /** "http" or "stdio", for audit events. */
    public static final String TRANSPORT_KEY = "transport";
    /**
     * Where calls to upstreams hang in the trace (a {@link CallTrace}): under the gateway's request span when traces
     * are exported, else under the caller's own {@code traceparent} header, forwarded unchanged.
     */
    public static final String TRACEPARENT_KEY = "traceparent";

    /** The caller's token from a transport context, or null when the request carried none (no-auth mode). */
    public static AccessToken accessToken(McpTransportContext context) {
        return context != null && context.get(AccessToken.CONTEXT_KEY) instanceof AccessToken token ? token : null;
    }

    /** The context of a request the HTTP chain authenticated (and, when it did, the policy admitted). */
    public static McpTransportContext forExchange(HttpServerExchange exchange) {
        Map<String, Object> values = new HashMap<>(6);
        AccessToken token = exchange.getAttachment(Exchanges.ACCESS_TOKEN);
        putIfPresent(values, AccessToken.CONTEXT_KEY, token);
        if (token != null && exchange.getAttachment(Exchanges.POLICY_ADMITTED) != null) {
            values.put(EDGE_ADMITTED_KEY, Boolean.TRUE);
        }
        putTrace(values, exchange);
        return McpTransportContext.create(values);
    }

    /** The context of a stdio request: its token (null when none is needed) and the transport. */
    public static McpTransportContext forStdio(AccessToken token) {
        Map<String, Object> values = new HashMap<>(2);
        putIfPresent(values, AccessToken.CONTEXT_KEY, token);
        values.put(TRANSPORT_KEY, "stdio");
        return McpTransportContext.create(values);
    }

    /** Where upstream calls of this request hang in the trace ({@link CallTrace}), or null. */
    public static CallTrace callTrace(McpTransportContext context) {
        return context != null && context.get(TRACEPARENT_KEY) instanceof CallTrace trace ? trace : null;
    }

    /** The trace context of this request (the caller's, or the request span's when exported), or null. */
    public static TraceParent traceParent(McpTransportContext context) {
        CallTrace trace = callTrace(context);
        return trace == null ? null : trace.parent();
    }

    private static void putTrace(Map<String, Object> values, HttpServerExchange exchange) {
        values.put(TRANSPORT_KEY, "http");
        putIfPresent(values, TRACEPARENT_KEY, RequestTrace.callTrace(exchange));
    }

    /** A context holding just a token (tests). */
    public static McpTransportContext forToken(AccessToken token) {
        return token == null ? McpTransportContext.EMPTY : McpTransportContext.create(Map.of(AccessToken.CONTEXT_KEY, token));
    }

    private static void putIfPresent(Map<String, Object> values, String key, Object value) {
        if (value != null) {
            values.put(key, value);
        }
    }
}
