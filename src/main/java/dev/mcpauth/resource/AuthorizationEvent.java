package dev.mcpauth.resource;

import dev.mcpauth.policy.Decision;
import dev.mcpauth.token.AccessToken;
import dev.mcpauth.trace.TraceParent;
import java.time.Duration;
import java.util.Locale;

/**
 * One authorization decision as the audit trail records it, whatever the transport: HTTP (edge denials, and calls that
 * ran) and stdio build the same event, so one query finds every decision about a subject or a tool.
 *
 * @param transport "http" or "stdio"
 * @param kind      what was asked for: "tool", "prompt" or "resource"
 * @param name      the tool or prompt name, or the resource's policy name
 * @param caller    the verified token (null without authentication)
 * @param allowed   the policy's decision
 * @param policy    the policy's outcome: allowed, insufficient_scope, condition_failed or rate_limited
 * @param reason    why, in a few words (the policy's reason)
 * @param limit     the rate limit that refused the call, or null
 * @param upstream  the upstream that served the call, "builtin", or null when it did not run
 * @param outcome   for calls that ran: "ok", "error" (an isError result) or "failed"; null otherwise
 * @param latency   how long the call took, null when it did not run
 * @param traceId   the W3C trace id of the request ({@code traceparent} header or {@code _meta}), or null
 */
public record AuthorizationEvent(String transport, String kind, String name, AccessToken caller, boolean allowed, String policy,
                                 String reason, String limit, String upstream, String outcome, Duration latency, String traceId) {

    /** A decision about a request that has not run (a denial, or an allowed prompt or resource). */
    public static AuthorizationEvent decided(String transport, String kind, String name, AccessToken caller, Decision decision, String traceId) {
        return new AuthorizationEvent(transport, kind, name, caller, decision.allowed(), policy(decision), decision.reason(), decision.limit(),
                null, null, null, traceId);
    }

    /** An allowed tool call that has run, with its upstream ("builtin" for the gateway's own), outcome and latency. */
    public static AuthorizationEvent ran(String transport, String tool, AccessToken caller, Decision decision, String upstream, String outcome,
                                         Duration latency, String traceId) {
        return new AuthorizationEvent(transport, "tool", tool, caller, true, policy(decision), decision.reason(), null, upstream, outcome,
                latency, traceId);
    }

    /** The trace id of a {@code traceparent} value (header or {@code _meta}), or null when it is not a valid one. */
    public static String traceId(Object traceparent) {
        return traceparent instanceof String s ? TraceParent.parse(s).map(TraceParent::traceId).orElse(null)
                : traceparent instanceof TraceParent p ? p.traceId() : null;
    }

    private static String policy(Decision decision) {
        return decision.outcome().name().toLowerCase(Locale.ROOT);
    }
}
