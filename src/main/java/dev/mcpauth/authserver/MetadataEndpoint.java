package dev.mcpauth.authserver;

import dev.mcpauth.http.JsonErrors;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** RFC 8414 authorization server metadata, also served at the OIDC Discovery alias. Never blocks. */
public final class MetadataEndpoint implements HttpHandler {
    private final byte[] document;

    MetadataEndpoint(AuthServerConfig config, EndpointPaths paths) {
        try {
            this.document = JsonErrors.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(document(config, paths));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("authserver: metadata could not be serialized", e);
        }
    }

    /** RFC 8414 §2, with the RFC 9207 and RFC 8707 additions this server implements. */
    static Map<String, Object> document(AuthServerConfig config, EndpointPaths paths) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("issuer", config.issuerString());
        m.put("authorization_endpoint", paths.url(paths.authorize()));
        m.put("token_endpoint", paths.url(paths.token()));
        m.put("registration_endpoint", paths.url(paths.register()));
        m.put("jwks_uri", paths.url(paths.jwks()));
        m.put("introspection_endpoint", paths.url(paths.introspect()));
        m.put("revocation_endpoint", paths.url(paths.revoke()));
        m.put("scopes_supported", new ArrayList<>(config.scopesSupported().keySet()));
        m.put("response_types_supported", List.of("code"));
        m.put("response_modes_supported", List.of("query"));
        m.put("grant_types_supported", GrantTypes.ALL);
        // OAuth 2.1 §4.1.1 / RFC 9700 §2.1.1: only S256 is offered, so clients never fall back to plain.
        m.put("code_challenge_methods_supported", List.of(Pkce.S256));
        List<String> authMethods = List.of(RegisteredClient.NONE, RegisteredClient.CLIENT_SECRET_BASIC, RegisteredClient.CLIENT_SECRET_POST);
        m.put("token_endpoint_auth_methods_supported", authMethods);
        List<String> confidentialMethods = List.of(RegisteredClient.CLIENT_SECRET_BASIC, RegisteredClient.CLIENT_SECRET_POST);
        m.put("introspection_endpoint_auth_methods_supported", confidentialMethods);
        m.put("revocation_endpoint_auth_methods_supported", authMethods);
        // RFC 9207 §3: iss is added to every authorization response, success or error.
        m.put("authorization_response_iss_parameter_supported", true);
        m.put("resource_indicators_supported", true);
        // draft-ietf-oauth-client-id-metadata-document §5: an https URL is accepted as client_id (ClientMetadataDocuments).
        m.put("client_id_metadata_document_supported", true);
        return m;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (!exchange.getRequestMethod().equals(Methods.GET) && !exchange.getRequestMethod().equals(Methods.HEAD)) {
            exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
            JsonErrors.send(exchange, 405, "method_not_allowed", "metadata is read with GET");
            return;
        }
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "public, max-age=300");
        exchange.getResponseSender().send(ByteBuffer.wrap(document));
    }
}
