package dev.mcpauth.mcp;

import dev.mcpauth.http.JsonErrors;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.util.Map;

/**
 * How many MCP sessions may be open: in all (503), and per subject (429 naming the limit), so that one token holder
 * cannot take the sessions everyone else needs. Refusals carry {@code Retry-After}: sessions end on DELETE or when
 * idle, so a minute is a fair wait.
 */
final class SessionQuota {

    private static final String RETRY_AFTER_SECONDS = "60";

    private final int max;
    private final int maxPerSubject;

    SessionQuota(int max, int maxPerSubject) {
        this.max = max;
        this.maxPerSubject = maxPerSubject;
    }

    /** Whether one more session fits, given how many are open and how many of them the caller's subject holds; answers a refusal itself. */
    boolean admits(HttpServerExchange exchange, int open, long openOfSubject) {
        if (openOfSubject >= maxPerSubject) {
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, RETRY_AFTER_SECONDS);
            JsonErrors.send(exchange, StatusCodes.TOO_MANY_REQUESTS, "too_many_sessions",
                    "You have the maximum of " + maxPerSubject + " open MCP sessions; end unused ones (DELETE) or wait for them to expire",
                    Map.of("limit", "max-sessions-per-subject", "max", maxPerSubject));
            return false;
        }
        if (open >= max) {
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, RETRY_AFTER_SECONDS);
            JsonErrors.send(exchange, StatusCodes.SERVICE_UNAVAILABLE, "temporarily_unavailable",
                    "Too many open MCP sessions; end unused ones (DELETE) or try again later", Map.of("limit", "max-sessions", "max", max));
            return false;
        }
        return true;
    }
}
