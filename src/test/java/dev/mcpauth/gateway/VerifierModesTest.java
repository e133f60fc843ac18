package dev.mcpauth.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.http.LogCapture;
import dev.mcpauth.support.Scrape;
import dev.mcpauth.support.TestGateway;
import dev.mcpauth.token.Keys;
import dev.mcpauth.token.TokenMinter;
import io.undertow.Undertow;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway with each external source of truth: a JWKS endpoint, issuer discovery, and RFC 7662 introspection. */
class VerifierModesTest {

    @TempDir
    Path root;
    Undertow issuer;

    @AfterEach
    void stopIssuer() {
        if (issuer != null) {
            issuer.stop();
        }
    }

    /** A stand-in for an external authorization server: JWKS, RFC 8414 metadata and introspection on loopback. */
    private String startIssuer(JWK key, AtomicInteger introspections, String introspectionAnswer) {
        String[] base = new String[1];
        issuer = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(exchange -> {
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
            switch (exchange.getRequestPath()) {
                case "/jwks" -> exchange.getResponseSender().send(new JWKSet(key.toPublicJWK()).toString());
                case "/.well-known/oauth-authorization-server" -> exchange.getResponseSender().send(
                        "{\"issuer\":\"" + base[0] + "\",\"jwks_uri\":\"" + base[0] + "/jwks\",\"authorization_endpoint\":\"" + base[0]
                                + "/authorize\",\"token_endpoint\":\"" + base[0] + "/token\",\"response_types_supported\":[\"code\"]}");
                case "/introspect" -> {
                    introspections.incrementAndGet();
                    exchange.getResponseSender().send(introspectionAnswer);
                }
                default -> exchange.setStatusCode(404);
            }
        }).build();
        issuer.start();
        base[0] = "http://127.0.0.1:" + ((InetSocketAddress) issuer.getListenerInfo().get(0).getAddress()).getPort();
        return base[0];
    }

    @Test
    void jwksModeAcceptsTokensSignedByThePublishedKeyAndRefusesOthers() throws Exception {
        JWK key = Keys.generate(JWSAlgorithm.ES256);
        String base = startIssuer(key, new AtomicInteger(), "{}");
        GatewayConfig config = TestGateway.config(new GatewayConfig.Jwks(URI.create(base + "/jwks"), base), root, true);
        try (TestGateway gw = TestGateway.start(config)) {
            String good = TokenMinter.withKey(key).token().issuer(base).subject("bob").audience(gw.mcpUrl())
                    .scope("math:calculate").ttl(Duration.ofMinutes(5)).mint();
            String otherKey = TokenMinter.withKey(Keys.generate(JWSAlgorithm.ES256)).token().issuer(base).subject("bob")
                    .audience(gw.mcpUrl()).ttl(Duration.ofMinutes(5)).mint();

            HttpResponse<String> ok = gw.send(gw.post(good, TestGateway.toolCall(1, "add_numbers", "{\"a\":1,\"b\":1}")));
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(TestGateway.message(ok).at("/result/structuredContent/result").asInt()).isEqualTo(2);
            assertThat(gw.send(gw.post(otherKey, TestGateway.initializeBody())).statusCode()).isEqualTo(401);
        }
    }

    @Test
    void issuerDiscoveryFindsTheJwksAndTheMetadataNamesTheIssuer() throws Exception {
        JWK key = Keys.generate(JWSAlgorithm.RS256);
        String base = startIssuer(key, new AtomicInteger(), "{}");
        GatewayConfig plain = TestGateway.config(new GatewayConfig.Jwks(null, base), root, true);
        GatewayConfig config = new GatewayConfig(plain.listener(), plain.auth(),
                new GatewayConfig.JwtChecks(base, java.util.Set.of(), false, Duration.ofSeconds(60)), plain.policy(), plain.tools(),
                plain.edge(), null, java.util.List.of(), java.util.List.of());
        try (TestGateway gw = TestGateway.start(config)) {
            String token = TokenMinter.withKey(key).token().issuer(base).subject("bob").audience(gw.mcpUrl())
                    .scope("math:calculate").ttl(Duration.ofMinutes(5)).mint();
            assertThat(gw.send(gw.post(token, TestGateway.toolCall(1, "add_numbers", "{\"a\":1,\"b\":1}"))).statusCode()).isEqualTo(200);
            assertThat(TestGateway.json(gw.get("/.well-known/oauth-protected-resource/mcp").body()).at("/authorization_servers/0").asText())
                    .isEqualTo(base);
        }
    }

    @Test
    void introspectedTokenIsAcceptedAndCachedSoTheIssuerIsAskedOnce() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        String[] resource = new String[1];
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        resource[0] = "http://127.0.0.1:" + port + "/mcp";
        String base = startIssuer(Keys.generate(JWSAlgorithm.ES256), calls,
                "{\"active\":true,\"sub\":\"dave\",\"client_id\":\"c1\",\"scope\":\"math:calculate\",\"aud\":\"" + resource[0]
                        + "\",\"exp\":" + (java.time.Instant.now().getEpochSecond() + 300) + "}");
        GatewayConfig plain = TestGateway.config(new GatewayConfig.Introspection(URI.create(base + "/introspect"), "rs", "rs-secret",
                Duration.ofSeconds(60)), root, true);
        GatewayConfig config = new GatewayConfig(new GatewayConfig.Listener("127.0.0.1", port, "/mcp", null, true), plain.auth(), plain.jwt(),
                plain.policy(), plain.tools(), plain.edge(), null, java.util.List.of(), java.util.List.of());
        try (TestGateway gw = TestGateway.start(config)) {
            for (int i = 0; i < 3; i++) {
                assertThat(gw.send(gw.post("opaque-token-1", TestGateway.toolCall(i, "add_numbers", "{\"a\":1,\"b\":1}"))).statusCode())
                        .isEqualTo(200);
            }
            assertThat(calls.get()).isEqualTo(1);
        }
    }

    @Test
    void unreachableIntrospectionEndpointIs503WithAClearBodyNeverA200() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        GatewayConfig config = TestGateway.config(new GatewayConfig.Introspection(URI.create("http://127.0.0.1:" + closedPort + "/introspect"),
                "rs", "rs-secret", Duration.ofSeconds(60)), root, true);
        try (TestGateway gw = TestGateway.start(config)) {
            HttpResponse<String> res = gw.send(gw.post("opaque-token", TestGateway.initializeBody()));

            assertThat(res.statusCode()).isEqualTo(503);
            assertThat(res.headers().firstValue("Retry-After")).isPresent();
            assertThat(TestGateway.json(res.body()).get("error").asText()).isEqualTo("temporarily_unavailable");
            assertThat(TestGateway.json(res.body()).get("error_description").asText()).containsIgnoringCase("introspection");
        }
    }

    @Test
    void anIntrospectionOutageIsOneWarningAndAZeroGaugeUntilTheEndpointAnswersAgainWithOneInfoLine() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String endpoint = "http://127.0.0.1:" + port + "/introspect";
        String reachable = "mcp_auth_issuer_reachable{endpoint=\"" + endpoint + "\"}";
        GatewayConfig config = TestGateway.config(new GatewayConfig.Introspection(URI.create(endpoint), "rs", "rs-secret", Duration.ofSeconds(60)),
                root, true);
        try (TestGateway gw = TestGateway.start(config); LogCapture log = new LogCapture("dev.mcpauth.token.EndpointOutage")) {
            for (int i = 0; i < 4; i++) {
                assertThat(gw.send(gw.post("opaque-token-" + i, TestGateway.initializeBody())).statusCode()).isEqualTo(503);
            }
            assertThat(log.lines()).singleElement().satisfies(line -> assertThat(line).startsWith("WARN").contains(endpoint, "unreachable"));
            assertThat(Scrape.value(reachable)).isEqualTo(0.0);

            Undertow back = Undertow.builder().addHttpListener(port, "127.0.0.1").setHandler(exchange -> {
                exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
                exchange.getResponseSender().send("{\"active\":false}");
            }).build();
            back.start();
            try {
                for (int i = 0; i < 2; i++) {
                    assertThat(gw.send(gw.post("opaque-again-" + i, TestGateway.initializeBody())).statusCode()).isEqualTo(401);
                }
            } finally {
                back.stop();
            }
            assertThat(log.lines()).hasSize(2).last().satisfies(line -> assertThat(line).startsWith("INFO").contains(endpoint, "answers again"));
            assertThat(Scrape.value(reachable)).isEqualTo(1.0);
        }
    }
}
