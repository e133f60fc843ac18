package dev.mcpauth.authserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RegistrationEndpointTest {
    static TestAuthServer server;

    @BeforeAll
    static void start() {
        server = TestAuthServer.start(b -> b.registrationsPerMinute(1000));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> register(String json) {
        return server.postJson("/oauth/register", json);
    }

    @Test
    void publicClientIsRegisteredWith201AndItsMetadataEchoed() {
        HttpResponse<String> r = register("{\"client_name\":\"Claude\",\"redirect_uris\":[\"http://localhost:6274/cb\"],"
                + "\"token_endpoint_auth_method\":\"none\",\"grant_types\":[\"authorization_code\",\"refresh_token\"],"
                + "\"response_types\":[\"code\"],\"application_type\":\"native\",\"scope\":\"read:files\",\"client_uri\":\"https://claude.ai\"}");
        assertThat(r.statusCode()).isEqualTo(201);
        JsonNode c = TestAuthServer.json(r);
        assertThat(c.get("client_id").asText()).isNotBlank();
        assertThat(c.get("client_id_issued_at").asLong()).isPositive();
        assertThat(c.has("client_secret")).isFalse();
        assertThat(c.get("client_name").asText()).isEqualTo("Claude");
        assertThat(c.get("redirect_uris").get(0).asText()).isEqualTo("http://localhost:6274/cb");
        assertThat(c.get("token_endpoint_auth_method").asText()).isEqualTo("none");
        assertThat(c.get("grant_types")).hasSize(2);
        assertThat(c.get("application_type").asText()).isEqualTo("native");
        assertThat(c.get("scope").asText()).isEqualTo("read:files");
        assertThat(c.get("client_uri").asText()).isEqualTo("https://claude.ai");
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void confidentialClientGetsASecretThatNeverExpires() {
        HttpResponse<String> r = register("{\"redirect_uris\":[\"https://app.example.com/cb\"]}");
        assertThat(r.statusCode()).isEqualTo(201);
        JsonNode c = TestAuthServer.json(r);
        // RFC 7591 §2: token_endpoint_auth_method defaults to client_secret_basic.
        assertThat(c.get("token_endpoint_auth_method").asText()).isEqualTo("client_secret_basic");
        assertThat(c.get("client_secret").asText()).hasSizeGreaterThanOrEqualTo(43);
        assertThat(c.get("client_secret_expires_at").asLong()).isZero();
        assertThat(c.get("grant_types").get(0).asText()).isEqualTo("authorization_code");
        assertThat(c.get("response_types").get(0).asText()).isEqualTo("code");
    }

    @Test
    void loopbackRedirectUrisOverHttpAreAccepted() {
        assertThat(register("{\"token_endpoint_auth_method\":\"none\",\"redirect_uris\":[\"http://127.0.0.1/cb\",\"http://[::1]:8080/cb\",\"http://localhost:3000/x?y=1\"]}")
                .statusCode()).isEqualTo(201);
    }

    @Test
    void missingRedirectUrisForAuthorizationCodeIsInvalidRedirectUri() {
        assertError(register("{\"token_endpoint_auth_method\":\"none\"}"), "invalid_redirect_uri");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://evil.example.com/cb", "https://app.example.com/cb#frag", "/relative/cb", "app.example.com/cb",
            "javascript:alert(1)", "https://user:pw@app.example.com/cb", "http://127.0.0.1.evil.com/cb", "http://127.evil.co.uk/cb"})
    void unsafeRedirectUriIsInvalidRedirectUri(String uri) {
        assertError(register("{\"token_endpoint_auth_method\":\"none\",\"redirect_uris\":[\"" + uri + "\"]}"), "invalid_redirect_uri");
    }

    @Test
    void unknownTokenEndpointAuthMethodIsInvalidClientMetadata() {
        assertError(register("{\"token_endpoint_auth_method\":\"private_key_jwt\",\"redirect_uris\":[\"https://a.example/cb\"]}"), "invalid_client_metadata");
    }

    @Test
    void grantTypesAndResponseTypesMustAgree() {
        assertError(register("{\"redirect_uris\":[\"https://a.example/cb\"],\"grant_types\":[\"authorization_code\"],\"response_types\":[]}"),
                "invalid_client_metadata");
        assertError(register("{\"redirect_uris\":[\"https://a.example/cb\"],\"grant_types\":[\"client_credentials\"],\"response_types\":[\"code\"]}"),
                "invalid_client_metadata");
    }

    @Test
    void implicitGrantAndTokenResponseTypeAreRefused() {
        assertError(register("{\"redirect_uris\":[\"https://a.example/cb\"],\"grant_types\":[\"implicit\"],\"response_types\":[\"token\"]}"),
                "invalid_client_metadata");
    }

    @Test
    void clientCredentialsForAPublicClientIsRefused() {
        assertError(register("{\"token_endpoint_auth_method\":\"none\",\"grant_types\":[\"client_credentials\"]}"), "invalid_client_metadata");
    }

    @Test
    void clientCredentialsCannotBeRegisteredByAConfidentialClientEither() {
        HttpResponse<String> r = register("{\"token_endpoint_auth_method\":\"client_secret_post\",\"grant_types\":[\"client_credentials\"]}");
        assertError(r, "invalid_client_metadata");
        assertThat(TestAuthServer.json(r).get("error_description").asText()).contains("client_credentials").contains("--client");
        HttpResponse<String> mixed = register("{\"token_endpoint_auth_method\":\"client_secret_basic\",\"redirect_uris\":[\"https://a.example/cb\"],"
                + "\"grant_types\":[\"authorization_code\",\"refresh_token\",\"client_credentials\"]}");
        assertError(mixed, "invalid_client_metadata");
        assertThat(TestAuthServer.json(mixed).get("error_description").asText()).contains("client_credentials");
    }

    @Test
    void registrationWithoutAuthorizationCodeIsRefused() {
        assertError(register("{\"redirect_uris\":[\"https://a.example/cb\"],\"grant_types\":[]}"), "invalid_client_metadata");
        assertError(register("{\"token_endpoint_auth_method\":\"none\",\"grant_types\":[\"urn:ietf:params:oauth:grant-type:token-exchange\"]}"),
                "invalid_client_metadata");
        assertError(register("{\"redirect_uris\":[\"https://a.example/cb\"],\"grant_types\":[\"authorization_code\",\"password\"]}"),
                "invalid_client_metadata");
    }

    @Test
    void unknownApplicationTypeAndUnsupportedScopeAreRefused() {
        assertError(register("{\"redirect_uris\":[\"https://a.example/cb\"],\"application_type\":\"browser\"}"), "invalid_client_metadata");
        assertError(register("{\"redirect_uris\":[\"https://a.example/cb\"],\"scope\":\"read:files admin:all\"}"), "invalid_client_metadata");
    }

    @Test
    void malformedJsonAndWrongContentTypeAreRefused() {
        assertError(register("{not json"), "invalid_client_metadata");
        assertError(register("[]"), "invalid_client_metadata");
        assertError(register("{\"redirect_uris\":\"https://a.example/cb\"}"), "invalid_client_metadata");
        HttpResponse<String> form = server.postForm("/oauth/register", java.util.Map.of("redirect_uris", "https://a.example/cb"));
        assertError(form, "invalid_client_metadata");
    }

    @Test
    void registrationsAreRateLimitedPerRemoteAddress() {
        try (TestAuthServer limited = TestAuthServer.start(b -> b.registrationsPerMinute(2))) {
            String body = "{\"token_endpoint_auth_method\":\"none\",\"redirect_uris\":[\"http://127.0.0.1/cb\"]}";
            assertThat(limited.postJson("/oauth/register", body).statusCode()).isEqualTo(201);
            assertThat(limited.postJson("/oauth/register", body).statusCode()).isEqualTo(201);
            HttpResponse<String> third = limited.postJson("/oauth/register", body);
            assertThat(third.statusCode()).isEqualTo(429);
            assertThat(TestAuthServer.json(third).get("error").asText()).isEqualTo("too_many_requests");
            assertThat(third.headers().firstValue("Retry-After")).isPresent();
            limited.clock.advance(java.time.Duration.ofSeconds(61));
            assertThat(limited.postJson("/oauth/register", body).statusCode()).isEqualTo(201);
        }
    }

    static void assertError(HttpResponse<String> r, String error) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode body = TestAuthServer.json(r);
        assertThat(body.get("error").asText()).isEqualTo(error);
        assertThat(body.get("error_description").asText()).isNotBlank();
    }
}
