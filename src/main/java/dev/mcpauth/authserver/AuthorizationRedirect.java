package dev.mcpauth.authserver;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The authorization response: a redirect to the client with code or error, state and iss (RFC 6749 §4.1.2, RFC 9207 §2). */
final class AuthorizationRedirect {
    private final String issuer;

    AuthorizationRedirect(String issuer) {
        this.issuer = issuer;
    }

    void success(HttpServerExchange exchange, AuthorizationRequest request, String code) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("code", code);
        send(exchange, request.redirectUri(), p, request.state());
    }

    /** RFC 6749 §4.1.2.1: only once the redirect URI has been verified. */
    void error(HttpServerExchange exchange, String redirectUri, String state, String error, String description) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("error", error);
        p.put("error_description", description);
        send(exchange, redirectUri, p, state);
    }

    private void send(HttpServerExchange exchange, String redirectUri, Map<String, String> params, String state) {
        if (state != null) {
            params.put("state", state);
        }
        // RFC 9207 §2: iss on every response lets the client detect mix-up attacks.
        params.put("iss", issuer);
        StringBuilder location = new StringBuilder(redirectUri);
        char sep = redirectUri.contains("?") ? '&' : '?';
        for (Map.Entry<String, String> e : params.entrySet()) {
            location.append(sep).append(e.getKey()).append('=').append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
            sep = '&';
        }
        // 303 after the consent POST so the browser follows with GET (RFC 9110 §15.4.4); 302 for the GET request.
        exchange.setStatusCode(exchange.getRequestMethod().toString().equals("POST") ? 303 : 302);
        exchange.getResponseHeaders().put(Headers.LOCATION, location.toString());
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        exchange.getResponseHeaders().put(new io.undertow.util.HttpString("Referrer-Policy"), "no-referrer");
        exchange.endExchange();
    }
}
