package dev.mcpauth.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.mcpauth.config.ConfigSources;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.config.IssuerSections;
import dev.mcpauth.support.TestGateway;
import dev.mcpauth.token.Keys;
import dev.mcpauth.token.TokenMinter;
import io.undertow.Undertow;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several issuers at once ({@code issuers:} in mcp-auth.yaml): two with their own keys on their own JWKS servers, one
 * that introspects, each token verified by its own issuer only, through a real gateway over HTTP.
 */
class SeveralIssuersTest {

    private static final String A = "https://a.example";
    private static final String B = "https://b.example";
    private static final String PARTNER = "https://partner.example";
    private static final String AUDIENCE = "mcp-gateway";
    private static final String ADD = TestGateway.toolCall(1, "add_numbers", "{\"a\":1,\"b\":1}");

    @TempDir
    Path root;
    private final List<Undertow> servers = new ArrayList<>();
    private final JWK keyA = Keys.generate(JWSAlgorithm.ES256);
    private final JWK keyB = Keys.generate(JWSAlgorithm.RS256);
    private final AtomicInteger hitsA = new AtomicInteger();
    private final AtomicInteger hitsB = new AtomicInteger();
    private final AtomicInteger introspections = new AtomicInteger();

    @AfterEach
    void stopServers() {
        servers.forEach(Undertow::stop);
    }

    private Undertow jwksServer(JWK key, AtomicInteger hits) {
        return server(exchange -> {
            hits.incrementAndGet();
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
            exchange.getResponseSender().send(new JWKSet(key.toPublicJWK()).toString());
        });
    }

    /** The partner's RFC 7662 endpoint: knows one opaque token, and only answers the gateway's client with its secret. */
    private Undertow introspectionServer() {
        String basic = "Basic " + Base64.getEncoder().encodeToString("gw:partner-secret".getBytes());
        return server(exchange -> {
            introspections.incrementAndGet();
            if (!basic.equals(exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION))) {
                exchange.setStatusCode(401);
                return;
            }
            exchange.getRequestReceiver().receiveFullString((ex, form) -> {
                ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
                ex.getResponseSender().send(form.contains("token=opaque-from-partner&")
                        ? "{\"active\":true,\"sub\":\"carol\",\"scope\":\"math:calculate\",\"aud\":\"" + AUDIENCE + "\",\"exp\":"
                                + Instant.now().plusSeconds(300).getEpochSecond() + "}"
                        : "{\"active\":false}");
            });
        });
    }

    private Undertow server(io.undertow.server.HttpHandler handler) {
        Undertow server = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(handler).build();
        server.start();
        servers.add(server);
        return server;
    }

    private static String url(Undertow server, String path) {
        return "http://127.0.0.1:" + ((InetSocketAddress) server.getListenerInfo().getFirst().getAddress()).getPort() + path;
    }

    /** The gateway with the three issuers, read from the yaml a user would write (the secret by env reference). */
    private TestGateway gateway(Undertow jwksA, Undertow jwksB, Undertow introspection) throws Exception {
        String yaml = """
                issuers:
                  - issuer: %s
                    jwks-uri: %s
                    audiences: [%s]
                  - issuer: %s
                    jwks-uri: %s
                    audiences: %s
                    scope-claim: realm_access.roles
                    clock-skew: 5s
                  - issuer: %s
                    introspection: {endpoint: %s, client-id: gw, client-secret: "env:PARTNER_SECRET"}
                    audiences: [%s]
                """.formatted(A, url(jwksA, "/jwks"), AUDIENCE, B, url(jwksB, "/jwks"), AUDIENCE, PARTNER,
                url(introspection, "/introspect"), AUDIENCE);
        JsonNode tree = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        ConfigSources sources = new ConfigSources(Map.of("PARTNER_SECRET", "partner-secret"), Map.of(), tree, null);
        GatewayConfig.Auth auth = new GatewayConfig.Issuers(IssuerSections.issuers(sources));
        return TestGateway.start(TestGateway.config(auth, root, true));
    }

    private static String token(JWK key, String issuer, String subject, Map<String, Object> claims) {
        TokenMinter.Draft draft = TokenMinter.withKey(key).token().issuer(issuer).subject(subject).audience(AUDIENCE)
                .ttl(Duration.ofMinutes(5));
        claims.forEach(draft::claim);
        return draft.mint();
    }

    private static HttpResponse<String> call(TestGateway gw, String token) throws Exception {
        return gw.send(gw.post(token, ADD));
    }

    @Test
    void eachIssuersTokenIsVerifiedWithItsOwnKeysAndItsOwnScopeClaim() throws Exception {
        Undertow jwksA = jwksServer(keyA, hitsA);
        Undertow jwksB = jwksServer(keyB, hitsB);
        try (TestGateway gw = gateway(jwksA, jwksB, introspectionServer())) {
            HttpResponse<String> fromA = call(gw, token(keyA, A, "alice", Map.of("scope", "math:calculate")));
            assertThat(fromA.statusCode()).as(fromA.body()).isEqualTo(200);
            assertThat(TestGateway.message(fromA).at("/result/structuredContent/result").asInt()).isEqualTo(2);

            // B's scopes are its realm roles (Keycloak style): its scope claim grants nothing, its roles do.
            assertThat(call(gw, token(keyB, B, "bob", Map.of("scope", "openid", "realm_access", Map.of("roles", List.of("math:calculate")))))
                    .statusCode()).isEqualTo(200);
            assertThat(call(gw, token(keyB, B, "bob", Map.of("scope", "math:calculate"))).statusCode()).isEqualTo(403);

            // A token naming A but signed with B's key is checked against A's keys only.
            HttpResponse<String> forged = call(gw, token(keyB, A, "mallory", Map.of("scope", "math:calculate")));
            assertThat(forged.statusCode()).isEqualTo(401);
            assertThat(forged.headers().firstValue("WWW-Authenticate").orElse("")).contains("invalid_token");

            // An opaque token goes to the issuer that introspects.
            assertThat(call(gw, "opaque-from-partner").statusCode()).isEqualTo(200);
            assertThat(call(gw, "opaque-unknown").statusCode()).isEqualTo(401);

            JsonNode prm = TestGateway.json(gw.get("/.well-known/oauth-protected-resource/mcp").body());
            assertThat(prm.get("authorization_servers")).extracting(JsonNode::asText).containsExactly(A, B, PARTNER);
        }
    }

    @Test
    void tokenFromAnUnknownIssuerIsRefusedWithoutAnyNetworkCall() throws Exception {
        Undertow jwksA = jwksServer(keyA, hitsA);
        Undertow jwksB = jwksServer(keyB, hitsB);
        try (TestGateway gw = gateway(jwksA, jwksB, introspectionServer())) {
            int before = hitsA.get() + hitsB.get() + introspections.get();

            for (int i = 0; i < 5; i++) {
                HttpResponse<String> res = call(gw, token(Keys.generate(JWSAlgorithm.ES256), "https://evil.example/" + i, "eve",
                        Map.of("scope", "math:calculate")));
                assertThat(res.statusCode()).isEqualTo(401);
                assertThat(TestGateway.json(res.body()).path("error_description").asText()).contains("issuer").contains(A).contains(B);
            }
            assertThat(hitsA.get() + hitsB.get() + introspections.get()).isEqualTo(before);
        }
    }

    @Test
    void oneIssuersJwksOutageLeavesTheOtherIssuersTokensWorking() throws Exception {
        Undertow jwksA = jwksServer(keyA, hitsA);
        Undertow jwksB = jwksServer(keyB, hitsB);
        try (TestGateway gw = gateway(jwksA, jwksB, introspectionServer())) {
            jwksB.stop();

            HttpResponse<String> fromB = call(gw, token(keyB, B, "bob", Map.of("realm_access", Map.of("roles", List.of("math:calculate")))));
            assertThat(fromB.statusCode()).as(fromB.body()).isEqualTo(503);
            assertThat(fromB.headers().firstValue("Retry-After")).isPresent();

            assertThat(call(gw, token(keyA, A, "alice", Map.of("scope", "math:calculate"))).statusCode()).isEqualTo(200);
            assertThat(call(gw, "opaque-from-partner").statusCode()).isEqualTo(200);
        }
    }
}
