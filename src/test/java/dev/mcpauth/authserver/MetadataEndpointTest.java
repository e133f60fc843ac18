package dev.mcpauth.authserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MetadataEndpointTest {
    static TestAuthServer server;

    @BeforeAll
    static void start() {
        server = TestAuthServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void metadataDocumentListsEveryEndpointAndCapability() {
        HttpResponse<String> r = server.get("/.well-known/oauth-authorization-server");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode m = TestAuthServer.json(r);
        String b = server.base;
        assertThat(m.get("issuer").asText()).isEqualTo(b);
        assertThat(m.get("authorization_endpoint").asText()).isEqualTo(b + "/oauth/authorize");
        assertThat(m.get("token_endpoint").asText()).isEqualTo(b + "/oauth/token");
        assertThat(m.get("registration_endpoint").asText()).isEqualTo(b + "/oauth/register");
        assertThat(m.get("jwks_uri").asText()).isEqualTo(b + "/oauth/jwks");
        assertThat(m.get("introspection_endpoint").asText()).isEqualTo(b + "/oauth/introspect");
        assertThat(m.get("revocation_endpoint").asText()).isEqualTo(b + "/oauth/revoke");
        assertThat(strings(m, "scopes_supported")).containsExactly("read:files", "execute:commands", "read:user", "math:calculate");
        assertThat(strings(m, "response_types_supported")).containsExactly("code");
        assertThat(strings(m, "grant_types_supported")).containsExactlyInAnyOrder("authorization_code", "refresh_token",
                "client_credentials", "urn:ietf:params:oauth:grant-type:token-exchange");
        assertThat(strings(m, "code_challenge_methods_supported")).containsExactly("S256");
        assertThat(strings(m, "token_endpoint_auth_methods_supported")).containsExactlyInAnyOrder("none", "client_secret_basic", "client_secret_post");
        assertThat(m.get("authorization_response_iss_parameter_supported").asBoolean()).isTrue();
    }

    @Test
    void openIdConfigurationAliasServesTheSameDocument() {
        HttpResponse<String> rfc8414 = server.get("/.well-known/oauth-authorization-server");
        HttpResponse<String> oidc = server.get("/.well-known/openid-configuration");
        assertThat(oidc.statusCode()).isEqualTo(200);
        assertThat(TestAuthServer.json(oidc)).isEqualTo(TestAuthServer.json(rfc8414));
    }

    @Test
    void otherPathsPassToTheNextHandler() {
        HttpResponse<String> r = server.get("/mcp");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).isEqualTo("not the AS");
    }

    @Test
    void issuerWithPathPutsWellKnownBetweenHostAndPath() {
        try (TestAuthServer tenant = TestAuthServer.start("http://127.0.0.1:9/tenant", b -> b)) {
            HttpResponse<String> r = tenant.get("/.well-known/oauth-authorization-server/tenant");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(TestAuthServer.json(r).get("token_endpoint").asText()).isEqualTo("http://127.0.0.1:9/tenant/oauth/token");
            assertThat(tenant.get("/tenant/.well-known/openid-configuration").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void jwksPublishesOnlyThePublicSigningKey() {
        HttpResponse<String> r = server.get("/oauth/jwks");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode keys = TestAuthServer.json(r).get("keys");
        assertThat(keys).hasSize(1);
        JsonNode key = keys.get(0);
        assertThat(key.get("kty").asText()).isEqualTo("EC");
        assertThat(key.get("crv").asText()).isEqualTo("P-256");
        assertThat(key.has("kid")).isTrue();
        assertThat(key.has("d")).as("private part must never be published").isFalse();
        assertThat(server.as.publicKeys().getKeys()).allMatch(k -> !k.isPrivate());
    }

    @Test
    void jwksIsEmptyWhenTokensAreSignedWithASharedSecret() {
        try (TestAuthServer hs = TestAuthServer.start(b -> b.sharedSecret("0123456789abcdef0123456789abcdef"))) {
            JsonNode body = TestAuthServer.json(hs.get("/oauth/jwks"));
            assertThat(body.get("keys")).isEmpty();
            assertThat(hs.get("/oauth/jwks").body()).doesNotContain("0123456789abcdef");
        }
    }

    static List<String> strings(JsonNode m, String field) {
        List<String> out = new ArrayList<>();
        m.get(field).forEach(n -> out.add(n.asText()));
        return out;
    }
}
