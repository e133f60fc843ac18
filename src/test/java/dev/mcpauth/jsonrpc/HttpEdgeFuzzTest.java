package dev.mcpauth.jsonrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.support.TestGateway;
import dev.mcpauth.token.AccessToken;
import dev.mcpauth.token.JwtRules;
import dev.mcpauth.token.SharedSecretVerifier;
import dev.mcpauth.token.TokenMinter;
import dev.mcpauth.token.TokenRejected;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The edge over real HTTP (and the verifier behind it), fed generated input: malformed MCP messages to a gateway with
 * sessions and one without, Authorization headers, token strings, and dynamic client registration metadata to the
 * embedded authorization server. Invariants: no 5xx, no Java name or stack trace in a body, no hang (every request
 * has a timeout), and no token that fails verification is ever accepted.
 */
class HttpEdgeFuzzTest {

    private static final String ISSUER = "https://issuer.fuzz";
    private static final String RESOURCE = "https://gateway.fuzz/mcp";
    private static final byte[] SECRET = TestGateway.SECRET.getBytes(StandardCharsets.UTF_8);
    private static final SharedSecretVerifier VERIFIER = new SharedSecretVerifier(SECRET, JwtRules.of(ISSUER, RESOURCE));
    private static final String VALID = TokenMinter.withSecret(SECRET).token().issuer(ISSUER).subject("alice").audience(RESOURCE)
            .scope("tools:read").ttl(Duration.ofMinutes(30)).mint();

    private static TestGateway sessions;
    private static String sessionId;
    private static TestGateway stateless;
    private static TestGateway withAuthServer;

    private static synchronized TestGateway sessions() throws Exception {
        if (sessions == null) {
            sessions = TestGateway.sharedSecret(Files.createTempDirectory("fuzz"), false);
            sessionId = sessions.initialize(sessions.token());
        }
        return sessions;
    }

    private static synchronized TestGateway stateless() throws Exception {
        if (stateless == null) {
            stateless = TestGateway.sharedSecret(Files.createTempDirectory("fuzz"), true);
        }
        return stateless;
    }

    private static synchronized TestGateway withAuthServer() throws Exception {
        if (withAuthServer == null) {
            Path dir = Files.createTempDirectory("fuzz");
            withAuthServer = TestGateway.start(TestGateway.config(new GatewayConfig.EmbeddedAuthServer(true, null, null, Map.of()), dir, false));
        }
        return withAuthServer;
    }

    @AfterContainer
    static void stop() {
        for (TestGateway gateway : new TestGateway[] {sessions, stateless, withAuthServer}) {
            if (gateway != null) {
                gateway.close();
            }
        }
    }

    @Property(tries = 150, shrinking = ShrinkingMode.BOUNDED)
    void malformedMessagesNeverGet5xxOrInternalsOnEitherLegacyFront(@ForAll("messages") String message, @ForAll boolean withSessions)
            throws Exception {
        TestGateway gateway = withSessions ? sessions() : stateless();
        HttpRequest.Builder request = gateway.post(gateway.token("math:calculate"), message);
        if (withSessions) {
            request.header("Mcp-Session-Id", sessionId);
        }
        assertSafe(gateway.send(request));
    }

    @Property(tries = 100, shrinking = ShrinkingMode.BOUNDED)
    void malformedMessagesNeverGet5xxOrInternalsOn20260728(@ForAll("messages") String message) throws Exception {
        TestGateway gateway = sessions();
        HttpRequest.Builder request = gateway.post(gateway.token("math:calculate"), MalformedMessagesTest.modern(message))
                .setHeader("MCP-Protocol-Version", "2026-07-28");
        JsonNode json = MalformedMessagesTest.modern(message).isEmpty() ? null : parseOrNull(message);
        if (json != null && json.path("method").isTextual() && isHeaderSafe(json.path("method").asText())) {
            request.header("Mcp-Method", json.path("method").asText());
        }
        assertSafe(gateway.send(request));
    }

    @Property(tries = 200, shrinking = ShrinkingMode.BOUNDED)
    void authorizationHeadersWithoutAGoodTokenAreNeverAccepted(@ForAll("authorizationHeaders") String header) throws Exception {
        TestGateway gateway = stateless();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.mcpUrl())).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}"));
        try {
            request.header("Authorization", header);
        } catch (IllegalArgumentException notSendable) {
            return; // java.net.http refuses the header itself (control characters): nothing reaches the server
        }
        HttpResponse<String> response = gateway.send(request);
        assertThat(response.statusCode()).as(header).isBetween(400, 499);
        assertThat(response.body()).doesNotContain(MalformedMessagesTest.FORBIDDEN);
    }

    @Property(tries = 2000, shrinking = ShrinkingMode.BOUNDED)
    void tokensThatFailVerificationAreNeverAccepted(@ForAll("badTokens") String token) {
        try {
            AccessToken accepted = VERIFIER.verify(token);
            fail("accepted a token that should fail verification: " + token + " -> " + accepted.subject());
        } catch (TokenRejected expected) {
            assertThat(expected.description()).doesNotContain(MalformedMessagesTest.FORBIDDEN);
        }
    }

    /** Found by the property above: a JOSE header that is JSON null made nimbus throw NullPointerException (HTTP 500). */
    @Example
    void aTokenWhoseHeaderIsJsonNullIsRejectedNotACrash() throws Exception {
        assertThatThrownBy(() -> VERIFIER.verify("bnVsbA.bnVsbA.")).isInstanceOf(TokenRejected.class);
        assertThatThrownBy(() -> VERIFIER.verify("bnVsbA.bnVsbA.c2ln")).isInstanceOf(TokenRejected.class);
        TestGateway gateway = stateless();
        HttpResponse<String> response = gateway.send(gateway.post("bnVsbA.bnVsbA.", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}"));
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_token");
    }

    @Property(tries = 150, shrinking = ShrinkingMode.BOUNDED)
    void registrationMetadataNeverGets5xxOrInternals(@ForAll("registrations") String metadata) throws Exception {
        TestGateway gateway = withAuthServer();
        HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(URI.create(gateway.server.baseUrl() + "/oauth/register"))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(metadata)));
        assertThat(response.statusCode()).as(metadata + " -> " + response.body()).isLessThan(500);
        assertThat(response.body()).as(metadata).doesNotContain(MalformedMessagesTest.FORBIDDEN);
    }

    private static void assertSafe(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isLessThan(500);
        assertThat(response.body()).doesNotContain(MalformedMessagesTest.FORBIDDEN);
    }

    @Provide
    Arbitrary<String> messages() {
        return JsonRpcEdgeFuzzTest.messageText().filter(s -> s.length() < 20_000);
    }

    @Provide
    Arbitrary<String> authorizationHeaders() {
        Arbitrary<String> whitespace = Arbitraries.of(" ", "  ", "\t", " \t ", "");
        Arbitrary<String> schemes = Arbitraries.of("Bearer", "bearer", "BEARER", "Basic", "Bearer,Bearer", "Basic abc, Bearer", "Token", "");
        return Arbitraries.frequencyOf(
                Tuple.of(3, Combinators.combine(schemes, whitespace, badTokens(), whitespace).as((s, w, t, w2) -> s + w + t + w2)),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(40)),
                Tuple.of(1, Arbitraries.strings().withCharRange('\u00a0', '\u00ff').ofMaxLength(40).map(s -> "Bearer " + s)),
                Tuple.of(1, Arbitraries.integers().between(1000, 20_000).map(n -> "Bearer " + "a".repeat(n))),
                Tuple.of(1, Arbitraries.just("Bearer " + VALID + ", Bearer " + VALID)));
    }

    @Provide
    Arbitrary<String> badTokens() {
        Arbitrary<String> b64 = Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_").ofMaxLength(60);
        Arbitrary<String> garbage = Arbitraries.strings().all().ofMaxLength(60);
        Arbitrary<String> header = Arbitraries.of("{\"alg\":\"none\"}", "{\"alg\":\"HS256\"}", "{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}",
                "{\"alg\":\"RS256\",\"kid\":\"x\"}", "{\"alg\":\"HS256\",\"crit\":[\"exp\"]}", "{}", "[]", "null").map(HttpEdgeFuzzTest::b64url);
        Arbitrary<String> claims = JsonRpcEdgeFuzzTest.jsonValue(2).map(JsonNode::toString).map(HttpEdgeFuzzTest::b64url);
        Arbitrary<String> unsigned = Combinators.combine(header, Arbitraries.oneOf(claims, Arbitraries.just(goodClaims())), b64)
                .as((h, c, s) -> h + "." + c + "." + s);
        return Arbitraries.frequencyOf(
                Tuple.of(3, unsigned),
                Tuple.of(2, Combinators.combine(b64, b64, b64).as((a, b, c) -> a + "." + b + "." + c)),
                Tuple.of(2, mutatedValid()),
                Tuple.of(1, Combinators.combine(garbage, garbage).as((a, b) -> a + "." + b)),
                Tuple.of(1, garbage),
                Tuple.of(1, Arbitraries.just(VALID + "." + VALID)));
    }

    /** The good token with one character changed where every base64url character counts (not a segment's last). */
    private static Arbitrary<String> mutatedValid() {
        return Combinators.combine(Arbitraries.integers().between(0, VALID.length() - 1),
                Arbitraries.of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=".chars().mapToObj(c -> (char) c).toList())).as((at, c) -> {
                    boolean lastOfSegment = at == VALID.length() - 1 || VALID.charAt(at + 1) == '.';
                    int i = lastOfSegment ? Math.max(0, at - 1) : at;
                    char replacement = VALID.charAt(i) == c ? (c == 'A' ? 'B' : 'A') : c;
                    return VALID.substring(0, i) + replacement + VALID.substring(i + 1);
                });
    }

    private static String goodClaims() {
        ObjectNode claims = JsonNodeFactory.instance.objectNode().put("iss", ISSUER).put("sub", "alice").put("aud", RESOURCE)
                .put("exp", System.currentTimeMillis() / 1000 + 3600).put("scope", "tools:read");
        return b64url(claims.toString());
    }

    @Provide
    Arbitrary<String> registrations() {
        List<String> keys = List.of("redirect_uris", "client_name", "grant_types", "response_types", "token_endpoint_auth_method",
                "scope", "client_uri", "logo_uri", "contacts", "jwks", "jwks_uri", "software_statement", "software_id", "tos_uri");
        Arbitrary<JsonNode> value = Arbitraries.oneOf(JsonRpcEdgeFuzzTest.jsonValue(2),
                Arbitraries.of("http://127.0.0.1/cb", "https://a.example/cb", "javascript:alert(1)", "authorization_code", "none",
                        "client_secret_basic", "refresh_token", "client_credentials").map(com.fasterxml.jackson.databind.node.TextNode::valueOf),
                Arbitraries.of("[\"http://127.0.0.1/cb\"]", "[\"authorization_code\",\"refresh_token\"]", "[\"code\"]", "[1]", "[[]]")
                        .map(JsonRpcEdgeFuzzTest::read));
        Arbitrary<JsonNode> objects = Arbitraries.maps(Arbitraries.oneOf(Arbitraries.of(keys), Arbitraries.strings().ofMaxLength(8)), value)
                .ofMaxSize(6).map(map -> {
                    ObjectNode object = JsonNodeFactory.instance.objectNode();
                    map.forEach(object::set);
                    return object;
                });
        return Arbitraries.frequencyOf(Tuple.of(5, objects.map(JsonNode::toString)),
                Tuple.of(1, JsonRpcEdgeFuzzTest.jsonValue(2).map(JsonNode::toString)),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(40)));
    }

    private static String b64url(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean isHeaderSafe(String value) {
        return value.chars().allMatch(c -> c >= 0x21 && c <= 0x7e);
    }

    private static JsonNode parseOrNull(String text) {
        try {
            return JsonRpcEdgeFuzzTest.JSON.readTree(text);
        } catch (Exception e) {
            return null;
        }
    }
}
