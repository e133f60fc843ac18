package dev.mcpauth.authserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.http.JsonErrors;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** RFC 7591 dynamic client registration. Runs on a worker thread (it reads the body and may write state). */
public final class RegistrationEndpoint implements HttpHandler {
    private static final Set<String> AUTH_METHODS = Set.of(RegisteredClient.NONE, RegisteredClient.CLIENT_SECRET_BASIC, RegisteredClient.CLIENT_SECRET_POST);
    private static final List<String> STRING_METADATA = List.of("client_uri", "logo_uri", "tos_uri", "policy_uri", "software_id", "software_version");

    private static final int MAX_VALUE_LENGTH = 2048;
    private static final int MAX_ARRAY_LENGTH = 20;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RegistrationEndpoint.class);

    private final AuthServerConfig config;
    private final ClientStore clients;
    private final RateLimiter limiter;

    RegistrationEndpoint(AuthServerConfig config, ClientStore clients) {
        this.config = config;
        this.clients = clients;
        this.limiter = new RateLimiter(config.registrationsPerMinute(), java.time.Duration.ofMinutes(1), config.clock());
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (!exchange.getRequestMethod().equals(Methods.POST)) {
            exchange.getResponseHeaders().put(Headers.ALLOW, "POST");
            JsonErrors.send(exchange, 405, "method_not_allowed", "register a client with POST and a JSON body (RFC 7591 §3.1)");
            return;
        }
        if (!limiter.tryAcquire(exchange.getSourceAddress().getAddress().getHostAddress())) {
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, "60");
            JsonErrors.send(exchange, 429, "too_many_requests",
                    "at most " + config.registrationsPerMinute() + " registrations per minute from one address"
                            + " (--registration-rate-limit); retry in a minute");
            return;
        }
        try {
            Registration r = register(readJson(exchange));
            JsonErrors.sendJson(exchange, 201, response(r));
        } catch (OAuthError e) {
            e.send(exchange);
        }
    }

    /** A new client and, for a confidential one, its secret in clear (returned once, stored hashed). */
    private record Registration(RegisteredClient client, String secret) {
    }

    private static JsonNode readJson(HttpServerExchange exchange) throws OAuthError {
        String contentType = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw metadataError("the body must be application/json (RFC 7591 §3.1)");
        }
        exchange.setMaxEntitySize(Forms.MAX_BODY);
        try {
            JsonNode json = JsonErrors.MAPPER.readTree(exchange.getInputStream());
            if (json == null || !json.isObject()) {
                throw metadataError("the body must be a JSON object of client metadata (RFC 7591 §2)");
            }
            return json;
        } catch (IOException e) {
            throw metadataError("the body is not valid JSON (at most " + Forms.MAX_BODY + " bytes)");
        }
    }

    private Registration register(JsonNode m) throws OAuthError {
        String authMethod = text(m, "token_endpoint_auth_method", RegisteredClient.CLIENT_SECRET_BASIC);
        if (!AUTH_METHODS.contains(authMethod)) {
            throw metadataError("token_endpoint_auth_method must be one of none, client_secret_basic, client_secret_post");
        }
        List<String> grantTypes = strings(m, "grant_types", List.of(GrantTypes.AUTHORIZATION_CODE));
        boolean usesCode = grantTypes.contains(GrantTypes.AUTHORIZATION_CODE);
        List<String> responseTypes = strings(m, "response_types", usesCode ? List.of("code") : List.of());
        checkGrantTypes(grantTypes, responseTypes);
        List<String> redirectUris = strings(m, "redirect_uris", List.of());
        checkRedirectUris(redirectUris, usesCode);
        String applicationType = text(m, "application_type", "web");
        if (!applicationType.equals("web") && !applicationType.equals("native")) {
            throw metadataError("application_type must be web or native (OpenID Connect Registration §2)");
        }
        String scope = text(m, "scope", null);
        if (scope != null) {
            Set<String> unknown = Scopes.outside(Scopes.parse(scope), config.scopesSupported().keySet());
            if (!unknown.isEmpty()) {
                throw metadataError("scope names unsupported scopes " + unknown + "; supported: " + config.scopesSupported().keySet());
            }
        }
        String secret = authMethod.equals(RegisteredClient.NONE) ? null : Secrets.newHandle();
        RegisteredClient client = new RegisteredClient("mcp-" + Secrets.newHandle().substring(0, 22),
                secret == null ? null : Secrets.hash(secret), config.clock().instant().getEpochSecond(),
                text(m, "client_name", null), redirectUris, authMethod, grantTypes, responseTypes, applicationType, scope,
                otherMetadata(m));
        clients.add(client);
        LOG.info("registered client {} ({}): auth method {}, grant types {}", client.clientId(), client.displayName(), authMethod, grantTypes);
        return new Registration(client, secret);
    }

    // RFC 7591 §2.1: grant_types and response_types must agree; OAuth 2.1 drops implicit and password. RFC 7591 §5:
    // the AS may refuse metadata; a self-registered client gets only the grants that start from a user's consent.
    private static void checkGrantTypes(List<String> grantTypes, List<String> responseTypes) throws OAuthError {
        for (String g : grantTypes) {
            if (g.equals(GrantTypes.CLIENT_CREDENTIALS)) {
                throw metadataError("grant type client_credentials cannot be registered: it issues tokens with no user's consent, so only "
                        + "the operator configures such clients (mcp-auth authserver --client ID:SECRET:SCOPES); register " + GrantTypes.REGISTRABLE);
            }
            if (!GrantTypes.REGISTRABLE.contains(g)) {
                throw metadataError("grant type '" + g + "' is not supported; register " + GrantTypes.REGISTRABLE);
            }
        }
        if (!grantTypes.contains(GrantTypes.AUTHORIZATION_CODE)) {
            throw metadataError("grant_types must include authorization_code: every token of a registered client starts from a user's consent");
        }
        for (String r : responseTypes) {
            if (!r.equals("code")) {
                throw metadataError("response type '" + r + "' is not supported; only code (OAuth 2.1 removed the implicit flow)");
            }
        }
        boolean usesCode = grantTypes.contains(GrantTypes.AUTHORIZATION_CODE);
        if (usesCode != responseTypes.contains("code")) {
            throw metadataError("grant_types and response_types disagree: authorization_code goes with response type code (RFC 7591 §2.1)");
        }
    }

    private static void checkRedirectUris(List<String> redirectUris, boolean usesCode) throws OAuthError {
        if (usesCode && redirectUris.isEmpty()) {
            throw new OAuthError(400, "invalid_redirect_uri", "redirect_uris is required for the authorization_code grant (RFC 7591 §2)");
        }
        for (String uri : redirectUris) {
            String problem = RedirectUris.problemWith(uri);
            if (problem != null) {
                throw new OAuthError(400, "invalid_redirect_uri", problem);
            }
        }
    }

    private static Map<String, Object> otherMetadata(JsonNode m) throws OAuthError {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String name : STRING_METADATA) {
            String v = text(m, name, null);
            if (v != null) {
                out.put(name, v);
            }
        }
        if (m.has("contacts")) {
            out.put("contacts", strings(m, "contacts", List.of()));
        }
        return out;
    }

    /** RFC 7591 §3.2.1: the client information plus every registered metadata value. */
    private static ObjectNode response(Registration r) {
        RegisteredClient c = r.client();
        ObjectNode body = JsonErrors.MAPPER.createObjectNode();
        body.put("client_id", c.clientId());
        body.put("client_id_issued_at", c.clientIdIssuedAt());
        if (r.secret() != null) {
            body.put("client_secret", r.secret());
            body.put("client_secret_expires_at", 0);
        }
        if (c.clientName() != null) body.put("client_name", c.clientName());
        body.set("redirect_uris", JsonErrors.MAPPER.valueToTree(c.redirectUris()));
        body.put("token_endpoint_auth_method", c.tokenEndpointAuthMethod());
        body.set("grant_types", JsonErrors.MAPPER.valueToTree(c.grantTypes()));
        body.set("response_types", JsonErrors.MAPPER.valueToTree(c.responseTypes()));
        body.put("application_type", c.applicationType());
        if (c.scope() != null) body.put("scope", c.scope());
        c.metadata().forEach((k, v) -> body.set(k, JsonErrors.MAPPER.valueToTree(v)));
        return body;
    }

    private static String text(JsonNode m, String name, String fallback) throws OAuthError {
        JsonNode v = m.get(name);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isTextual()) {
            throw metadataError(name + " must be a string");
        }
        if (v.asText().length() > MAX_VALUE_LENGTH) {
            throw metadataError(name + " is longer than " + MAX_VALUE_LENGTH + " characters");
        }
        return v.asText();
    }

    private static List<String> strings(JsonNode m, String name, List<String> fallback) throws OAuthError {
        JsonNode v = m.get(name);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isArray() || v.size() > MAX_ARRAY_LENGTH) {
            throw metadataError(name + " must be an array of at most " + MAX_ARRAY_LENGTH + " strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual() || e.asText().length() > MAX_VALUE_LENGTH) {
                throw metadataError(name + " must be an array of strings of at most " + MAX_VALUE_LENGTH + " characters");
            }
            if (!out.contains(e.asText())) {
                out.add(e.asText());
            }
        }
        return out;
    }

    private static OAuthError metadataError(String description) {
        return new OAuthError(400, "invalid_client_metadata", description);
    }
}
