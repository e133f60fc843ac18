package dev.mcpauth.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.http.LogCapture;
import dev.mcpauth.support.Scrape;
import dev.mcpauth.support.TestGateway;
import dev.mcpauth.token.JwksOptions;
import dev.mcpauth.token.Keys;
import dev.mcpauth.token.TokenMinter;
import io.undertow.Undertow;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The issuer's JWKS endpoint goes down while clients call through the gateway (issue #19 item 5): a token signed
 * with a key the gateway has never seen gets 503 with Retry-After at once (it may be a rotated key: the client should
 * retry, not re-authorize), never a hang; a key the gateway knows keeps working; a token the gateway can judge without
 * the issuer (a forged signature under a known kid) is still 401; and with the issuer up, an unknown key is 401. The
 * outage is one WARN line and {@code mcp_auth_issuer_reachable} 0 (issue #19 item 5).
 */
class JwksOutageAtTheGatewayTest {
    private static final JwksOptions FAST = JwksOptions.defaults().withTimeouts(Duration.ofMillis(200), Duration.ofMillis(400))
            .withCache(Duration.ofMillis(1000), Duration.ofMillis(100), Duration.ofMillis(900))
            .withOutageTolerance(Duration.ofSeconds(30));

    @TempDir
    Path root;

    private static Undertow issuer(JWK key) {
        Undertow u = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(exchange -> {
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
            exchange.getResponseSender().send(new JWKSet(key.toPublicJWK()).toString());
        }).build();
        u.start();
        return u;
    }

    private static String token(JWK key, String issuer, TestGateway gw) {
        return TokenMinter.withKey(key).token().issuer(issuer).subject("bob").audience(gw.mcpUrl())
                .scope("math:calculate").ttl(Duration.ofMinutes(5)).mint();
    }

    private static HttpResponse<String> call(TestGateway gw, String token) throws Exception {
        return gw.send(gw.post(token, TestGateway.toolCall(1, "add_numbers", "{\"a\":1,\"b\":1}")));
    }

    @Test
    void unknownKeyIs401WhileTheIssuerIsUpAnd503WithRetryAfterNotAHangWhileItIsDown() throws Exception {
        JWK key = Keys.generate(JWSAlgorithm.ES256);
        Undertow up = issuer(key);
        int port = ((InetSocketAddress) up.getListenerInfo().get(0).getAddress()).getPort();
        String base = "http://127.0.0.1:" + port;
        GatewayConfig config = TestGateway.config(new GatewayConfig.Jwks(URI.create(base + "/jwks"), base, FAST), root, true);
        String reachable = "mcp_auth_issuer_reachable{endpoint=\"" + base + "/jwks\"}";
        try (TestGateway gw = TestGateway.start(config); LogCapture log = new LogCapture("dev.mcpauth.token.RemoteJwks")) {
            String known = token(key, base, gw);
            ECKey forgedUnderKnownKid = new ECKeyGenerator(Curve.P_256).keyID(key.getKeyID()).generate();
            assertThat(call(gw, known).statusCode()).isEqualTo(200);
            HttpResponse<String> stranger = call(gw, token(Keys.generate(JWSAlgorithm.ES256), base, gw));
            assertThat(stranger.statusCode()).isEqualTo(401);
            assertThat(stranger.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_token");

            assertThat(Scrape.value(reachable)).isEqualTo(1.0);
            double failedFetches = Scrape.value("mcp_auth_jwks_fetches_total{outcome=\"failed\"}");

            up.stop();
            Thread.sleep(FAST.rateLimit().toMillis() + 100);
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                HttpResponse<String> rotated = call(gw, token(Keys.generate(JWSAlgorithm.ES256), base, gw));
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(503);
                assertThat(rotated.headers().firstValue("Retry-After")).isPresent();
                assertThat(rotated.headers().firstValue("WWW-Authenticate")).isEmpty();
                assertThat(TestGateway.message(rotated).toString()).doesNotContain("Exception");
                assertThat(took).as("answered, not hung").isLessThan(Duration.ofSeconds(3));

                assertThat(call(gw, known).statusCode()).as("a known key works through the outage").isEqualTo(200);
                HttpResponse<String> forged = call(gw, token(forgedUnderKnownKid, base, gw));
                assertThat(forged.statusCode()).as("a bad signature under a known kid needs no issuer to refuse").isEqualTo(401);
            }
            // Visible to the operator: one WARN line for the whole outage (not one per request) and the metrics.
            assertThat(log.lines()).filteredOn(line -> line.startsWith("WARN")).singleElement().satisfies(line -> assertThat(line)
                    .contains(base + "/jwks", "unreachable"));
            assertThat(Scrape.value(reachable)).isEqualTo(0.0);
            assertThat(Scrape.value("mcp_auth_jwks_fetches_total{outcome=\"failed\"}")).isGreaterThan(failedFetches);
        }
    }
}
