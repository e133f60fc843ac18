package dev.mcpauth.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.nimbusds.jwt.SignedJWT;
import dev.mcpauth.config.ConfigSources;
import dev.mcpauth.config.FileSections;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.config.IssuerSections;
import dev.mcpauth.support.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against Keycloak 26 (one start for the class): its tokens accepted through the {@code issuers:} section, and its
 * standard token exchange (RFC 8693) used by the gateway to call an upstream as the user. The upstream is a second
 * gateway that trusts only tokens whose audience is {@code upstream}.
 */
class KeycloakTokenExchangeTest {

    private static Keycloak keycloak;

    @TempDir
    Path root;

    @BeforeAll
    static void startKeycloak() throws Exception {
        keycloak = Keycloak.start();
    }

    @AfterAll
    static void stopKeycloak() {
        if (keycloak != null) {
            keycloak.close();
        }
    }

    private static ConfigSources yaml(String text) throws Exception {
        return new ConfigSources(Map.of("KC_GATEWAY_SECRET", "gateway-secret"), Map.of(), new ObjectMapper(new YAMLFactory()).readTree(text), null);
    }

    private GatewayConfig gateway(ConfigSources sources, boolean stateless, boolean builtins, GatewayConfig.Policy policy) {
        GatewayConfig base = TestGateway.config(new GatewayConfig.Issuers(IssuerSections.issuers(sources)), root, stateless);
        return new GatewayConfig(base.listener(), base.auth(), base.jwt(), policy,
                new GatewayConfig.Tools(builtins, root, List.of("echo"), Duration.ofSeconds(10)), base.edge(), null, List.of(),
                FileSections.upstreams(sources));
    }

    @Test
    void keycloaksStandardTokenExchangeLetsTheUpstreamSeeTheUserNeverTheUsersToken() throws Exception {
        ConfigSources upstreamYaml = yaml("""
                issuers:
                  - {issuer: "%s", jwks-uri: "%s", audiences: [upstream]}
                """.formatted(keycloak.issuer(), keycloak.jwksUri()));
        try (TestGateway upstream = TestGateway.start(gateway(upstreamYaml, false, true,
                new GatewayConfig.Policy(Map.of("get_user_info", Set.of("profile")), Set.of())))) {
            ConfigSources frontYaml = yaml("""
                    issuers:
                      - {issuer: "%1$s", jwks-uri: "%2$s", audiences: [gateway]}
                    upstreams:
                      - name: b                     # the only tool source: its tools keep their names
                        url: %3$s
                        client-credentials: {token-endpoint: "%4$s", client-id: gateway, client-secret: gateway-secret}
                        token-exchange: {token-endpoint: "%4$s", client-id: gateway, client-secret: "env:KC_GATEWAY_SECRET", audience: upstream}
                    """.formatted(keycloak.issuer(), keycloak.jwksUri(), upstream.mcpUrl(), keycloak.tokenEndpoint()));
            try (TestGateway gateway = TestGateway.start(gateway(frontYaml, true, false,
                    new GatewayConfig.Policy(Map.of("get_user_info", Set.of("profile")), Set.of())))) {
                String alice = keycloak.userToken("alice", "alice-password");
                String aliceSubject = SignedJWT.parse(alice).getJWTClaimsSet().getSubject();

                assertThat(upstream.send(upstream.post(alice, TestGateway.toolCall(1, "get_user_info", "{}"))).statusCode())
                        .as("the upstream refuses the user's own token (audience gateway)").isEqualTo(401);

                for (int i = 0; i < 2; i++) {
                    HttpResponse<String> res = gateway.send(gateway.post(alice, TestGateway.toolCall(2 + i, "get_user_info", "{}")));
                    assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
                    JsonNode who = TestGateway.message(res).at("/result/structuredContent");
                    assertThat(who.path("subject").asText()).as(res.body()).isEqualTo(aliceSubject);
                    assertThat(who.path("client_id").asText()).as("azp: the gateway acts for alice").isEqualTo("gateway");
                    assertThat(who.path("audience")).extracting(JsonNode::asText).containsExactly("upstream");
                    assertThat(who.path("issuer").asText()).isEqualTo(keycloak.issuer());
                }
            }
        }
    }
}
