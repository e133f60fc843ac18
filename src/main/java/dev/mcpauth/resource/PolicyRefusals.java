package dev.mcpauth.resource;

import dev.mcpauth.http.JsonErrors;
import dev.mcpauth.policy.Decision;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the HTTP edge answers a call the policy refused for a reason other than scopes: a failed condition is
 * {@code 403 access_denied} with the rule's own message and no scope hint (no scope would help); an exhausted rate
 * limit is {@code 429} with {@code Retry-After} (RFC 9110 section 10.2.3, in seconds) naming the limit.
 */
final class PolicyRefusals {

    private static final HttpString RETRY_AFTER = new HttpString("Retry-After");

    private PolicyRefusals() {
    }

    static void conditionFailed(HttpServerExchange exchange, String kind, String name, Decision decision) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put(kind, name);
        JsonErrors.send(exchange, 403, "access_denied", decision.message(), extra);
    }

    static void rateLimited(HttpServerExchange exchange, String kind, String name, Decision decision) {
        long seconds = decision.retryAfterSeconds();
        exchange.getResponseHeaders().put(RETRY_AFTER, Long.toString(seconds));
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("limit", decision.limit());
        extra.put("retry_after", seconds);
        extra.put(kind, name);
        JsonErrors.send(exchange, 429, "rate_limited", decision.message(), extra);
    }
}
