package dev.mcpauth.authserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.mcpauth.config.ConfigSources;
import dev.mcpauth.config.FileSections;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.support.TestGateway;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The caller's identity upstream, never the caller's token: gateway A fronts gateway B (an HTTP upstream) and exchanges
 * each caller's token at the embedded authorization server's token-exchange grant (RFC 8693) for one bound to B.
 * Everything over real HTTP with real signed tokens.
 */
class UpstreamOnBehalfOfTest {

    private static final AuthServerConfig.PreconfiguredClient GATEWAY = new AuthServerConfig.PreconfiguredClient("gw",
            "gw-secret-0123456789abcdef", Set.of("read:user"), List.of(GrantTypes.CLIENT_CREDENTIALS, GrantTypes.TOKEN_EXCHANGE));

    @TempDir
    Path root;

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static GatewayConfig jwksGateway(TestAuthServer as, int port, Path root, List<GatewayConfig.UpstreamConfig> upstreams, boolean builtins) {
        GatewayConfig base = TestGateway.config(new GatewayConfig.Jwks(URI.create(as.base + "/oauth/jwks"), as.issuer), root, false);
        // A answers plain requests (stateless); B keeps sessions, one per caller here.
        return new GatewayConfig(new GatewayConfig.Listener("127.0.0.1", port, "/mcp", null, !builtins), base.auth(),
                new GatewayConfig.JwtChecks(as.issuer, Set.of(), false, Duration.ofSeconds(60)), base.policy(),
                new GatewayConfig.Tools(builtins, root, List.of("echo"), Duration.ofSeconds(10)), base.edge(), null, List.of(), upstreams);
    }

    private static List<GatewayConfig.UpstreamConfig> upstreams(String yaml) throws Exception {
        return FileSections.upstreams(new ConfigSources(Map.of("GW_SECRET", GATEWAY.clientSecret()), Map.of(),
                new ObjectMapper(new YAMLFactory()).readTree(yaml), null));
    }

    @Test
    void upstreamSeesTheCallerExchangedForItsOwnAudienceAndItsRefusalReachesTheCallerAsAClearError() throws Exception {
        int portA = freePort();
        int portB = freePort();
        String a = "http://127.0.0.1:" + portA + "/mcp";
        String b = "http://127.0.0.1:" + portB + "/mcp";
        // The AS's issuer is A's origin, so the user's tokens are for A (TestAuthServer asks for issuer + /mcp).
        try (TestAuthServer as = TestAuthServer.start("http://127.0.0.1:" + portA, builder -> builder.resources(a, b).autoApprove(true).client(GATEWAY));
             TestGateway upstream = TestGateway.start(jwksGateway(as, portB, root, List.of(), true));
             TestGateway gateway = TestGateway.start(jwksGateway(as, portA, root, upstreams("""
                     upstreams:
                       - name: b
                         url: %1$s
                         client-credentials: {token-endpoint: %2$s/oauth/token, client-id: gw, client-secret: %3$s, scope: "read:user"}
                         token-exchange: {token-endpoint: %2$s/oauth/token, client-id: gw, client-secret: "env:GW_SECRET", audience: %1$s}
                       - name: narrow
                         url: %1$s
                         client-credentials: {token-endpoint: %2$s/oauth/token, client-id: gw, client-secret: %3$s, scope: "read:user"}
                         token-exchange: {token-endpoint: %2$s/oauth/token, client-id: gw, client-secret: "env:GW_SECRET", audience: %1$s, scope: "math:calculate"}
                     """.formatted(b, as.base, GATEWAY.clientSecret())), false))) {
            TestAuthServer.Client app = as.registerPublicClient();
            String userToken = as.tokensFor(app, "read:user math:calculate").get("access_token").asText();

            HttpResponse<String> direct = upstream.send(upstream.post(userToken, TestGateway.toolCall(1, "get_user_info", "{}")));
            assertThat(direct.statusCode()).as("B never accepts the caller's own token (audience A)").isEqualTo(401);

            HttpResponse<String> viaA = gateway.send(gateway.post(userToken, TestGateway.toolCall(2, "b__get_user_info", "{}")));
            assertThat(viaA.statusCode()).as(viaA.body()).isEqualTo(200);
            JsonNode who = TestGateway.message(viaA).at("/result/structuredContent");
            assertThat(who.path("subject").asText()).as(viaA.body()).isEqualTo("demo");
            assertThat(who.path("client_id").asText()).as("the gateway acts, for the user").isEqualTo("gw");
            assertThat(who.path("audience")).extracting(JsonNode::asText).containsExactly(b);
            assertThat(who.path("scopes")).extracting(JsonNode::asText).containsExactly("math:calculate", "read:user");

            // Exchanged for math:calculate only, the call B guards with read:user is refused there: the challenge comes back.
            HttpResponse<String> narrow = gateway.send(gateway.post(userToken, TestGateway.toolCall(3, "narrow__get_user_info", "{}")));
            JsonNode result = TestGateway.message(narrow).path("result");
            assertThat(result.path("isError").asBoolean()).as(narrow.body()).isTrue();
            assertThat(result.at("/content/0/text").asText()).contains("upstream narrow refused").contains("HTTP 403")
                    .contains("insufficient_scope").contains("read:user").doesNotContain(userToken);
        }
    }

    @Test
    void anOperatorClientActingForAUserGetsNoWiderScopesNoOtherResourceAndARegisteredClientCannotActForAnother() throws Exception {
        String a = "http://127.0.0.1:1/mcp";
        String b = "http://127.0.0.1:2/mcp";
        try (TestAuthServer as = TestAuthServer.start("http://127.0.0.1:1", builder -> builder.resources(a, b).autoApprove(true).client(GATEWAY))) {
            String userToken = as.tokensFor(as.registerPublicClient(), "math:calculate").get("access_token").asText();
            Map<String, String> form = new java.util.LinkedHashMap<>(Map.of("grant_type", GrantTypes.TOKEN_EXCHANGE, "subject_token", userToken,
                    "subject_token_type", GrantTypes.ACCESS_TOKEN_TYPE, "audience", b));

            assertThat(as.postForm("/oauth/token", form, GATEWAY.clientId(), GATEWAY.clientSecret()).statusCode()).isEqualTo(200);
            form.put("scope", "math:calculate read:user");
            HttpResponse<String> wider = as.postForm("/oauth/token", form, GATEWAY.clientId(), GATEWAY.clientSecret());
            assertThat(wider.statusCode()).isEqualTo(400);
            assertThat(TestAuthServer.json(wider).path("error").asText()).isEqualTo("invalid_scope");
            form.remove("scope");
            form.put("audience", "https://elsewhere.example/mcp");
            HttpResponse<String> elsewhere = as.postForm("/oauth/token", form, GATEWAY.clientId(), GATEWAY.clientSecret());
            assertThat(TestAuthServer.json(elsewhere).path("error").asText()).isEqualTo("invalid_target");

            // A self-registered confidential client is not an operator's: it may only upgrade its own tokens.
            TestAuthServer.Client other = as.register("{\"client_name\":\"x\",\"redirect_uris\":[\"" + TestAuthServer.REDIRECT + "\"],"
                    + "\"token_endpoint_auth_method\":\"client_secret_basic\",\"grant_types\":[\"authorization_code\",\""
                    + GrantTypes.TOKEN_EXCHANGE + "\"]}");
            form.put("audience", b);
            HttpResponse<String> foreign = as.postForm("/oauth/token", form, other.id(), other.secret());
            assertThat(foreign.statusCode()).isEqualTo(400);
            assertThat(TestAuthServer.json(foreign).path("error_description").asText()).contains("issued to another client");
        }
    }
}
