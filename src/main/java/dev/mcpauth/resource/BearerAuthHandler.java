package dev.mcpauth.resource;

import dev.mcpauth.metrics.Metrics;
import dev.mcpauth.http.Exchanges;
import dev.mcpauth.http.JsonErrors;
import dev.mcpauth.token.AccessToken;
import dev.mcpauth.token.KnownValidTokens;
import dev.mcpauth.token.TokenRejected;
import dev.mcpauth.token.TokenVerifier;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates every request with an OAuth bearer token from the {@code Authorization} header
 * (RFC 6750 section 2.1, the only method MCP allows) and attaches the verified {@link AccessToken} as
 * {@link Exchanges#ACCESS_TOKEN}. Everything else gets the challenge MCP clients expect:
 * <ul>
 *   <li>no credentials, or another scheme: 401 with {@code resource_metadata} (and a {@code scope} hint)</li>
 *   <li>a token in the query, two credentials, a malformed header: 400 {@code invalid_request}</li>
 *   <li>a token the verifier rejects: 401 {@code invalid_token} (or 400 for {@code INVALID_REQUEST})</li>
 *   <li>a verifier that cannot be reached: 503 with {@code Retry-After} and no challenge</li>
 *   <li>a peer that has spent its budget of failed tokens ({@link TokenFailureLimiter}) and sends a token not already
 *       known valid: 429 with {@code Retry-After} and no challenge, without verifying the token</li>
 * </ul>
 * Verification may block (JWKS fetch, introspection): run this after the virtual-thread dispatch.
 */
public final class BearerAuthHandler implements HttpHandler {

    /** Larger than any real JWT; refuses absurd tokens before hashing or parsing them. */
    static final int MAX_TOKEN_CHARS = 16 * 1024;
    private static final String RETRY_AFTER_SECONDS = "5";
    /** The error code of a 429 for a peer over its failed-token budget (RFC 6585 names the status, not a code). */
    public static final String TOO_MANY_FAILED_TOKENS = "too_many_failed_tokens";
    private static final Logger LOG = LoggerFactory.getLogger(BearerAuthHandler.class);

    private final TokenVerifier verifier;
    private final Challenge challenge;
    private final AuditLog audit;
    private final TokenFailureLimiter failures;
    private final KnownValidTokens knownValid;
    private final HttpHandler next;

    /**
     * @param failures the budget of failed tokens per peer; a blocked peer is still served with tokens that
     *                 {@code verifier} already holds as valid, when it is (or wraps into) a {@link KnownValidTokens}
     */
    public BearerAuthHandler(TokenVerifier verifier, Challenge challenge, AuditLog audit, TokenFailureLimiter failures,
                             HttpHandler next) {
        this.verifier = Objects.requireNonNull(verifier);
        this.challenge = Objects.requireNonNull(challenge);
        this.audit = Objects.requireNonNull(audit);
        this.failures = Objects.requireNonNull(failures);
        // A verifier without a cache knows no token: during a block every new request waits, which is the safe side.
        this.knownValid = verifier instanceof KnownValidTokens known ? known : token -> false;
        this.next = Objects.requireNonNull(next);
    }

    /** Without failure throttling. */
    public BearerAuthHandler(TokenVerifier verifier, Challenge challenge, AuditLog audit, HttpHandler next) {
        this(verifier, challenge, audit, TokenFailureLimiter.disabled(), next);
    }

    public BearerAuthHandler(TokenVerifier verifier, Challenge challenge, HttpHandler next) {
        this(verifier, challenge, new AuditLog(), next);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        // The peer's address is only written out for a refusal: formatting it on every request cost an allocation.
        // MCP authorization "Token Requirements": tokens MUST NOT be in the query string (RFC 9700 section 4.3.2).
        if (!exchange.getQueryString().isEmpty() && exchange.getQueryParameters().containsKey("access_token")) {
            invalidRequest(exchange, "Access tokens must not be sent in the URL query (access_token); "
                    + "send them in the Authorization header as 'Bearer <token>'", null, remote(exchange));
            return;
        }
        HeaderValues authorization = exchange.getRequestHeaders().get(Headers.AUTHORIZATION);
        if (authorization == null || authorization.isEmpty()) {
            missingToken(exchange, "This MCP endpoint requires an OAuth access token: send 'Authorization: Bearer <token>'", remote(exchange));
            return;
        }
        if (authorization.size() > 1) {
            // RFC 6750 section 3.1: more than one credential is an invalid request.
            invalidRequest(exchange, "Send exactly one Authorization header", null, remote(exchange));
            return;
        }
        String token = bearerToken(authorization.getFirst().strip());
        if (token == null) {
            // RFC 6750 section 3.1: an unsupported scheme is like no credentials: a challenge without an error code.
            missingToken(exchange, "Only the Bearer authentication scheme is supported: send 'Authorization: Bearer <token>'", remote(exchange));
            return;
        }
        if (token.isEmpty() || token.length() > MAX_TOKEN_CHARS || !isB64Token(token)) {
            invalidRequest(exchange, "The Authorization header is malformed: expected 'Bearer <token>' with one token of at most "
                    + MAX_TOKEN_CHARS + " characters", null, remote(exchange));
            return;
        }
        Duration blocked = failures.retryAfter(exchange.getSourceAddress());
        if (!blocked.isZero() && !knownValid.isKnownValid(token)) {
            tooManyFailures(exchange, blocked, token, remote(exchange));
            return;
        }
        AccessToken accessToken;
        try {
            // exp, nbf and iat (with the clock skew) are the verifier's to judge, as for token verify and doctor.
            accessToken = verifier.verify(token);
        } catch (TokenRejected rejected) {
            refuse(exchange, rejected, token, remote(exchange));
            return;
        } catch (RuntimeException e) {
            LOG.warn("Token verifier failed unexpectedly ({}); answering 500", e.getClass().getName());
            audit.rejected("server_error", "verifier failed", token, remote(exchange));
            JsonErrors.send(exchange, 500, "server_error", "The access token could not be checked because of an internal error");
            return;
        }
        Metrics.authenticated();
        if (audit.logsAuthentications()) {
            audit.authenticated(accessToken, remote(exchange));
        }
        // The presented string rides along for this request only, for upstreams that exchange it (RFC 8693).
        exchange.putAttachment(Exchanges.ACCESS_TOKEN, accessToken.presentedAs(token));
        next.handleRequest(exchange);
    }

    /*
     * The two checks below run on every request: as regular expressions they were ~8% of the CPU of an
     * authenticated tools/call (bench/README.md), so they are plain loops with the same grammar; the character
     * check is one table lookup per character.
     */

    /** RFC 6750 section 2.1, b64token's characters before its '=' padding: ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/". */
    private static final boolean[] B64TOKEN_CHAR = new boolean[128];

    static {
        for (char c : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/".toCharArray()) {
            B64TOKEN_CHAR[c] = true;
        }
    }

    /**
     * The credentials of a stripped {@code Authorization} value in the Bearer scheme (case-insensitive, RFC 7235
     * section 2.1) after one or more spaces; "" for the scheme alone; null for another scheme. The credentials are
     * not checked here: {@link #isB64Token} refuses anything else, line terminators included.
     */
    static String bearerToken(String value) {
        if (!value.regionMatches(true, 0, "bearer", 0, 6)) {
            return null;
        }
        int i = 6;
        if (i == value.length()) {
            return "";
        }
        if (value.charAt(i) != ' ') {
            return null;
        }
        while (i < value.length() && value.charAt(i) == ' ') {
            i++;
        }
        return value.substring(i);
    }

    /** RFC 6750 section 2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=". */
    static boolean isB64Token(String token) {
        int end = token.length();
        while (end > 0 && token.charAt(end - 1) == '=') {
            end--;
        }
        if (end == 0) {
            return false;
        }
        for (int i = 0; i < end; i++) {
            char c = token.charAt(i);
            if (c >= 128 || !B64TOKEN_CHAR[c]) {
                return false;
            }
        }
        return true;
    }

    private void refuse(HttpServerExchange exchange, TokenRejected rejected, String token, String remote) {
        String description = rejected.description() == null ? "The access token was rejected" : rejected.description();
        switch (rejected.reason()) {
            case INVALID_TOKEN -> {
                failures.recordFailure(exchange.getSourceAddress());
                audit.rejected("invalid_token", description, token, remote);
                exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, challenge.invalidToken(description));
                JsonErrors.send(exchange, 401, "invalid_token", description, metadataHint());
            }
            case INVALID_REQUEST -> invalidRequest(exchange, description, token, remote);
            case VERIFIER_UNAVAILABLE -> {
                // Not a verdict on the token: no challenge, so clients keep their token and retry (RFC 9110 section 10.2.3).
                audit.rejected("temporarily_unavailable", description, token, remote);
                exchange.getResponseHeaders().put(Headers.RETRY_AFTER, RETRY_AFTER_SECONDS);
                JsonErrors.send(exchange, 503, "temporarily_unavailable",
                        "The access token could not be checked right now (" + description + "); retry in "
                                + RETRY_AFTER_SECONDS + " seconds");
            }
        }
    }

    /**
     * RFC 6585 section 4: 429 with Retry-After. No challenge: the token was not judged, and a client that drops it
     * and restarts authorization would only add load; after Retry-After it is checked again.
     */
    private void tooManyFailures(HttpServerExchange exchange, Duration blocked, String token, String remote) {
        long seconds = Math.max(1, (blocked.toMillis() + 999) / 1000);
        String description = "Too many access tokens from this address (" + remote + ") failed verification: the limit is "
                + failures.maxFailures() + " per " + failures.window().toSeconds() + " seconds, so new tokens from it are not checked for "
                + seconds + " more seconds. Retry after " + seconds + " seconds with a valid token; tokens already accepted keep working";
        Metrics.tokenFailureThrottled();
        audit.rejected(TOO_MANY_FAILED_TOKENS, description, token, remote);
        exchange.getResponseHeaders().put(Headers.RETRY_AFTER, Long.toString(seconds));
        JsonErrors.send(exchange, 429, TOO_MANY_FAILED_TOKENS, description, Map.of("retry_after", seconds));
    }

    private void missingToken(HttpServerExchange exchange, String description, String remote) {
        audit.rejected("missing_token", description, null, remote);
        exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, challenge.missingToken());
        JsonErrors.send(exchange, 401, "unauthorized",
                description + "; the authorization server is named at " + challenge.resourceMetadataUrl(), metadataHint());
    }

    /** Malformed credentials cost little to refuse but are not what a working client sends: they count as failures. */
    private void invalidRequest(HttpServerExchange exchange, String description, String token, String remote) {
        failures.recordFailure(exchange.getSourceAddress());
        audit.rejected("invalid_request", description, token, remote);
        exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, challenge.invalidRequest(description));
        JsonErrors.send(exchange, 400, "invalid_request", description, metadataHint());
    }

    private Map<String, String> metadataHint() {
        return Map.of("resource_metadata", challenge.resourceMetadataUrl().toString());
    }

    static String remote(HttpServerExchange exchange) {
        var address = exchange.getSourceAddress();
        return address == null ? null : address.getHostString();
    }
}
