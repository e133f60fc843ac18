package dev.mcpauth.authserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The whole life of a grant with autoApprove: register → authorize → token → introspect → refresh → revoke. */
class AutoApproveFlowTest {

    @Test
    void registerAuthorizeTokenIntrospectRefreshRevoke() {
        try (TestAuthServer server = TestAuthServer.start(b -> b.autoApprove(true).client(TestAuthServer.RESOURCE_SERVER))) {
            JsonNode metadata = TestAuthServer.json(server.get("/.well-known/oauth-authorization-server"));
            String registration = metadata.get("registration_endpoint").asText().substring(server.base.length());
            HttpResponse<String> reg = server.postJson(registration, "{\"client_name\":\"flow\",\"redirect_uris\":[\"" + TestAuthServer.REDIRECT + "\"],"
                    + "\"token_endpoint_auth_method\":\"none\",\"grant_types\":[\"authorization_code\",\"refresh_token\"]}");
            assertThat(reg.statusCode()).isEqualTo(201);
            TestAuthServer.Client client = new TestAuthServer.Client(TestAuthServer.json(reg).get("client_id").asText(), null);

            String verifier = Pkce.newVerifier();
            HttpResponse<String> authorize = server.authorize(server.authorizeParams(client, verifier, "read:files read:user"));
            assertThat(authorize.statusCode()).as("no consent page with autoApprove").isEqualTo(302);
            Map<String, String> redirect = TestAuthServer.redirectParams(authorize);
            assertThat(redirect.get("iss")).isEqualTo(server.issuer);

            JsonNode tokens = TestAuthServer.json(server.exchangeCode(client, redirect.get("code"), verifier));
            JsonNode claims = server.introspect(tokens.get("access_token").asText());
            assertThat(claims.get("active").asBoolean()).isTrue();
            assertThat(claims.get("sub").asText()).isEqualTo("demo");
            assertThat(claims.get("scope").asText()).isEqualTo("read:files read:user");

            JsonNode refreshed = TestAuthServer.json(server.refresh(client, tokens.get("refresh_token").asText(), null));
            assertThat(server.introspect(refreshed.get("access_token").asText()).get("active").asBoolean()).isTrue();

            HttpResponse<String> revoke = server.postForm("/oauth/revoke", Map.of("token", refreshed.get("refresh_token").asText(), "client_id", client.id()));
            assertThat(revoke.statusCode()).isEqualTo(200);
            assertThat(server.introspect(refreshed.get("access_token").asText()).get("active").asBoolean()).isFalse();
            assertThat(server.introspect(refreshed.get("refresh_token").asText()).get("active").asBoolean()).isFalse();
        }
    }

    @Test
    void defaultScopesAreGrantedWhenTheClientAsksForNone() {
        try (TestAuthServer server = TestAuthServer.start(b -> b.autoApprove(true).defaultScopes("math:calculate"))) {
            TestAuthServer.Client client = server.registerPublicClient();
            assertThat(server.tokensFor(client, null).get("scope").asText()).isEqualTo("math:calculate");
        }
    }
}
