package dev.mcpauth.flow;

import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.Headers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An MCP server and its authorization server at the edge of the world, behaving as the real ones we do not run
 * would: an issuer with a path, a resource metadata document naming whatever resource it is told to, a registration
 * that hands out a {@code client_secret_post} secret, a token endpoint that accepts only that method, a 401 challenge
 * with a {@code scope}. It records every request path and every token request.
 */
final class EdgeAuthorizationServer implements AutoCloseable {

    /**
     * How the server behaves. {@code prmResource} null: the MCP URL itself; {@code metadataIssuer} null: the issuer;
     * {@code redirectIss} null: the issuer (RFC 9207 {@code iss} of the authorization response); {@code metadataPath}
     * null: the RFC 8414 §3.1 URL ({@code /.well-known/oauth-authorization-server} before the issuer's path).
     */
    record Behaviour(String issuerPath, String prmResource, String challengeScope, String authMethod, String metadataIssuer,
            String redirectIss, String metadataPath) {
        Behaviour(String issuerPath, String prmResource, String challengeScope, String authMethod) {
            this(issuerPath, prmResource, challengeScope, authMethod, null, null, null);
        }
    }

    /** One token request as received. */
    record TokenCall(String authorization, Map<String, String> form) {
    }

    final List<String> paths = new CopyOnWriteArrayList<>();
    final List<TokenCall> tokenCalls = new CopyOnWriteArrayList<>();
    final List<String> authorizedScopes = new CopyOnWriteArrayList<>();
    private final Behaviour behaviour;
    private final Undertow undertow;
    private final String base;

    EdgeAuthorizationServer(Behaviour behaviour) {
        this.behaviour = behaviour;
        this.undertow = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(new BlockingHandler(this::handle)).build();
        undertow.start();
        this.base = "http://127.0.0.1:" + ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    }

    String mcpUrl() {
        return base + "/mcp";
    }

    String issuer() {
        return base + behaviour.issuerPath();
    }

    private void handle(HttpServerExchange exchange) throws IOException {
        String path = exchange.getRequestPath();
        paths.add(path);
        String issuer = issuer();
        String p = behaviour.issuerPath();
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        if (path.equals("/mcp")) {
            exchange.setStatusCode(401);
            exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer resource_metadata=\"" + base + "/prm\""
                    + (behaviour.challengeScope() != null ? ", scope=\"" + behaviour.challengeScope() + "\"" : ""));
            exchange.getResponseSender().send("{\"error\":\"unauthorized\"}");
        } else if (path.equals("/prm")) {
            String resource = behaviour.prmResource() != null ? behaviour.prmResource() : mcpUrl();
            exchange.getResponseSender().send("{\"resource\":\"" + resource + "\",\"authorization_servers\":[\"" + issuer
                    + "\"],\"scopes_supported\":[\"alpha\",\"beta\",\"gamma\"]}");
        } else if (path.equals(behaviour.metadataPath() != null ? behaviour.metadataPath() : "/.well-known/oauth-authorization-server" + p)) {
            String declared = behaviour.metadataIssuer() != null ? behaviour.metadataIssuer() : issuer;
            exchange.getResponseSender().send("{\"issuer\":\"" + declared + "\",\"authorization_endpoint\":\"" + issuer + "/authorize\","
                    + "\"token_endpoint\":\"" + issuer + "/token\",\"registration_endpoint\":\"" + issuer + "/register\","
                    + "\"response_types_supported\":[\"code\"],\"code_challenge_methods_supported\":[\"S256\"],"
                    + "\"token_endpoint_auth_methods_supported\":[\"" + behaviour.authMethod() + "\"]}");
        } else if (path.equals(p + "/register")) {
            exchange.setStatusCode(201);
            String body = new String(exchange.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String redirect = body.replaceAll("(?s).*\"redirect_uris\"\\s*:\\s*\\[\\s*\"([^\"]+)\".*", "$1").replace("\\/", "/");
            exchange.getResponseSender().send("{\"client_id\":\"edge-client\",\"client_secret\":\"edge-secret\","
                    + "\"token_endpoint_auth_method\":\"" + behaviour.authMethod() + "\",\"redirect_uris\":[\"" + redirect + "\"],"
                    + "\"grant_types\":[\"authorization_code\",\"refresh_token\"],\"response_types\":[\"code\"]}");
        } else if (path.equals(p + "/authorize")) {
            Map<String, String> q = new LinkedHashMap<>();
            exchange.getQueryParameters().forEach((k, v) -> q.put(k, v.getFirst()));
            authorizedScopes.add(q.getOrDefault("scope", ""));
            exchange.setStatusCode(302);
            exchange.getResponseHeaders().put(Headers.LOCATION, q.get("redirect_uri") + "?code=edge-code&state="
                    + URLEncoder.encode(q.get("state"), StandardCharsets.UTF_8) + "&iss=" + URLEncoder.encode(behaviour.redirectIss() != null ? behaviour.redirectIss() : issuer, StandardCharsets.UTF_8));
            exchange.endExchange();
        } else if (path.equals(p + "/token")) {
            token(exchange);
        } else {
            exchange.setStatusCode(404);
            exchange.getResponseSender().send("{\"error\":\"not_found\"}");
        }
    }

    /** Accepts only the registered method: client_secret_post (secret in the form) or client_secret_basic. */
    private void token(HttpServerExchange exchange) throws IOException {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : new String(exchange.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        String authorization = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        tokenCalls.add(new TokenCall(authorization, form));
        boolean ok = "client_secret_post".equals(behaviour.authMethod())
                ? authorization == null && "edge-client".equals(form.get("client_id")) && "edge-secret".equals(form.get("client_secret"))
                : authorization != null && authorization.startsWith("Basic ") && !form.containsKey("client_secret");
        if (!ok) {
            exchange.setStatusCode(401);
            exchange.getResponseSender().send("{\"error\":\"invalid_client\",\"error_description\":\"registered for " + behaviour.authMethod() + "\"}");
            return;
        }
        exchange.getResponseSender().send("{\"access_token\":\"edge-access-token\",\"token_type\":\"Bearer\",\"expires_in\":3600,"
                + "\"refresh_token\":\"edge-refresh-token\"}");
    }

    @Override
    public void close() {
        undertow.stop();
    }
}
