package dev.mcpauth.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpauth.token.AccessToken;
import io.undertow.Undertow;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RFC 8693 exchanges toward a real token endpoint on loopback: one per caller and lifetime, refusals in words. */
class ExchangedTokensTest {

    private Undertow endpoint;
    private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private volatile long expiresIn = 300;
    private ExchangedTokens tokens;

    @BeforeEach
    void start() {
        endpoint = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(exchange -> {
            authorizations.add(exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION));
            exchange.getRequestReceiver().receiveFullString((ex, body) -> {
                Map<String, String> form = new java.util.LinkedHashMap<>();
                for (String pair : body.split("&")) {
                    String[] kv = pair.split("=", 2);
                    form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
                }
                requests.add(form);
                ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
                if (form.get("subject_token").startsWith("refused")) {
                    ex.setStatusCode(400);
                    ex.getResponseSender().send("{\"error\":\"invalid_request\",\"error_description\":\"subject_token is not active\"}");
                    return;
                }
                ex.getResponseSender().send("{\"access_token\":\"exchanged-" + requests.size() + "\",\"token_type\":\"Bearer\",\"expires_in\":"
                        + expiresIn + ",\"issued_token_type\":\"urn:ietf:params:oauth:token-type:access_token\"}");
            });
        }).build();
        endpoint.start();
        int port = ((InetSocketAddress) endpoint.getListenerInfo().getFirst().getAddress()).getPort();
        tokens = new ExchangedTokens(new UpstreamCredentials.TokenExchange(URI.create("http://127.0.0.1:" + port + "/token"), "gw",
                "gw-secret", "billing", "billing:read"), "billing", URI.create("https://billing.example/mcp"), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        endpoint.stop();
    }

    private static AccessToken caller(String subject, String presented, String... scopes) {
        return new AccessToken(subject, "app", Set.of(scopes), List.of("https://gw.example/mcp"), "https://as.example",
                Instant.now().plusSeconds(600), Map.of()).presentedAs(presented);
    }

    @Test
    void eachCallerIsExchangedOnceAndTheRequestIsAnRfc8693ExchangeAsTheGatewayClient() throws Exception {
        String first = tokens.token(caller("alice", "alice-token-1", "billing:read"));
        String again = tokens.token(caller("alice", "alice-token-2", "billing:read"));
        String bob = tokens.token(caller("bob", "bob-token", "billing:read"));
        String narrower = tokens.token(caller("alice", "alice-token-3"));

        assertThat(first).isEqualTo("exchanged-1").isEqualTo(again);
        assertThat(bob).isEqualTo("exchanged-2");
        assertThat(narrower).as("a token with other scopes is another caller").isEqualTo("exchanged-3");
        assertThat(requests).hasSize(3);
        Map<String, String> form = requests.getFirst();
        assertThat(form).containsEntry("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange")
                .containsEntry("subject_token", "alice-token-1")
                .containsEntry("subject_token_type", "urn:ietf:params:oauth:token-type:access_token")
                .containsEntry("audience", "billing").containsEntry("scope", "billing:read");
        assertThat(authorizations.getFirst()).isEqualTo("Basic " + java.util.Base64.getEncoder()
                .encodeToString("gw:gw-secret".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anExchangedTokenIsExchangedAgainWhenItNearsItsExpiryOrTheUpstreamRefusedIt() throws Exception {
        expiresIn = 1;
        AccessToken alice = caller("alice", "alice-token", "billing:read");
        assertThat(tokens.token(alice)).isEqualTo("exchanged-1");
        Thread.sleep(1100);
        expiresIn = 300;
        assertThat(tokens.token(alice)).isEqualTo("exchanged-2");
        assertThat(tokens.token(alice)).isEqualTo("exchanged-2");
        tokens.forget(alice);
        assertThat(tokens.token(alice)).isEqualTo("exchanged-3");
    }

    @Test
    void aRefusedExchangeIsAnErrorNamingTheUpstreamAndTheAuthorizationServersReasonNeverTheToken() {
        assertThatThrownBy(() -> tokens.token(caller("eve", "refused-token-value")))
                .isInstanceOf(ExchangedTokens.ExchangeRefused.class)
                .hasMessageContaining("upstream billing").hasMessageContaining("invalid_request")
                .hasMessageContaining("subject_token is not active").hasMessageNotContaining("refused-token-value");
        AccessToken unpresented = new AccessToken("carol", "app", Set.of(), List.of(), "https://as.example", Instant.now().plusSeconds(60), Map.of());
        assertThatThrownBy(() -> tokens.token(unpresented)).hasMessageContaining("no token to exchange");
        assertThat(String.valueOf(caller("alice", "secret-token-string"))).doesNotContain("secret-token-string");
    }
}
