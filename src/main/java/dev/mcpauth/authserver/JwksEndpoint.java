package dev.mcpauth.authserver;

import com.nimbusds.jose.jwk.JWKSet;
import dev.mcpauth.http.JsonErrors;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;

/** The JWK Set (RFC 7517 §5) of the access-token signing keys: public parts only. Never blocks. */
public final class JwksEndpoint implements HttpHandler {
    private final String json;

    JwksEndpoint(JWKSet keys) {
        // toJSONObject(true) drops private and symmetric material; the set was built from public keys anyway.
        this.json = toJson(keys.toJSONObject(true));
    }

    private static String toJson(java.util.Map<String, Object> map) {
        return com.nimbusds.jose.util.JSONObjectUtils.toJSONString(map);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (!exchange.getRequestMethod().equals(Methods.GET) && !exchange.getRequestMethod().equals(Methods.HEAD)) {
            exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
            JsonErrors.send(exchange, 405, "method_not_allowed", "the JWK Set is read with GET");
            return;
        }
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/jwk-set+json");
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "public, max-age=300");
        exchange.getResponseSender().send(json);
    }
}
