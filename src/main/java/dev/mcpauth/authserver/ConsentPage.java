package dev.mcpauth.authserver;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/** The HTML the authorization endpoint shows: the consent page and the no-redirect error page. */
final class ConsentPage {
    private final AuthServerConfig config;

    ConsentPage(AuthServerConfig config) {
        this.config = config;
    }

    /** Who is asking, for which scopes (each with its description), a sign-in form, Approve and Deny. */
    void show(HttpServerExchange exchange, PendingAuthorization pending, String action, String username, String errorMessage) {
        AuthorizationRequest request = pending.request();
        Map<String, String> v = new LinkedHashMap<>();
        v.put("client_name", request.client().displayName());
        v.put("redirect_host", URI.create(request.redirectUri()).getAuthority());
        v.put("resource", request.resource());
        v.put("scopes_html", scopeList(request));
        v.put("error_message", errorMessage == null ? "" : errorMessage);
        v.put("action", action);
        v.put("request_id", pending.id());
        v.put("csrf_token", pending.csrfToken());
        v.put("username", username == null ? "" : username);
        v.put("issuer", config.issuerString());
        send(exchange, 200, Html.render("consent.html", v), URI.create(request.redirectUri()));
    }

    /** RFC 9700 §4.1 / RFC 6749 §4.1.2.1: when the client or redirect URI is not trusted, show the error here. */
    void error(HttpServerExchange exchange, int status, String error, String description) {
        send(exchange, status, Html.render("error.html", Map.of("error", error, "description", description)), null);
    }

    private String scopeList(AuthorizationRequest request) {
        StringBuilder b = new StringBuilder();
        if (request.scopes().isEmpty()) {
            b.append("<li>No specific permissions (sign-in only)</li>\n");
        }
        for (String scope : request.scopes()) {
            String description = config.scopesSupported().getOrDefault(scope, scope);
            b.append("<li><code>").append(Html.escape(scope)).append("</code>: ").append(Html.escape(description)).append("</li>\n");
        }
        return b.toString();
    }

    private static void send(HttpServerExchange exchange, int status, String html, URI redirect) {
        exchange.setStatusCode(status);
        var h = exchange.getResponseHeaders();
        h.put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
        h.put(Headers.CACHE_CONTROL, "no-store");
        // Clickjacking defence for the consent page (RFC 6749 §10.13): no framing, no scripts at all.
        h.put(new HttpString("X-Frame-Options"), "DENY");
        h.put(new HttpString("X-Content-Type-Options"), "nosniff");
        h.put(new HttpString("Referrer-Policy"), "no-referrer");
        String formAction = redirect == null ? "'self'" : "'self' " + redirect.getScheme() + "://" + redirect.getRawAuthority();
        h.put(new HttpString("Content-Security-Policy"),
                "default-src 'none'; style-src 'unsafe-inline'; form-action " + formAction + "; frame-ancestors 'none'; base-uri 'none'");
        exchange.getResponseSender().send(html);
    }
}
