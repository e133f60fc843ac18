package dev.mcpauth.token;

import static dev.mcpauth.token.TestTokens.ISSUER;
import static dev.mcpauth.token.TestTokens.RESOURCE;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IntrospectionVerifierTest {

    static final String CLIENT_ID = "gateway client";
    static final String CLIENT_SECRET = "s3cret:with/odd+chars";

    private final LocalHttpServer as = start();
    private final AtomicReference<String> lastAuthorization = new AtomicReference<>();
    private final AtomicReference<String> lastForm = new AtomicReference<>();

    static LocalHttpServer start() {
        try {
            return new LocalHttpServer();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() {
        as.close();
    }

    static String activeResponse(long expInSeconds, String aud) {
        return "{\"active\":true,\"sub\":\"alice\",\"client_id\":\"app-1\",\"scope\":\"tools:read notes:write\","
                + "\"iss\":\"" + ISSUER + "\",\"aud\":\"" + aud + "\",\"exp\":" + (Instant.now().getEpochSecond() + expInSeconds)
                + ",\"ext\":{\"tenant\":\"t1\"},\"nothing\":null}";
    }

    private IntrospectionVerifier answering(String json) {
        as.route("/introspect", request -> {
            lastAuthorization.set(request.header("Authorization"));
            lastForm.set(request.body());
            return LocalHttpServer.Reply.json(json);
        });
        return new IntrospectionVerifier(as.uri("/introspect"), CLIENT_ID, CLIENT_SECRET, JwtRules.of(ISSUER, RESOURCE));
    }

    static TokenRejected rejection(TokenVerifier verifier, String token) {
        try {
            verifier.verify(token);
        } catch (TokenRejected e) {
            return e;
        }
        throw new AssertionError("token was accepted");
    }

    @Test
    void activeTokenIsAcceptedWithTheResponseClaims() throws TokenRejected {
        AccessToken token = answering(activeResponse(600, RESOURCE)).verify("opaque-token-1");

        assertThat(token.subject()).isEqualTo("alice");
        assertThat(token.clientId()).isEqualTo("app-1");
        assertThat(token.scopes()).containsExactlyInAnyOrder("tools:read", "notes:write");
        assertThat(token.audiences()).containsExactly(RESOURCE);
        assertThat(token.claims()).containsKey("ext").doesNotContainKey("nothing");
    }

    @Test
    void requestUsesFormEncodedClientSecretBasicAndTheAccessTokenHint() throws TokenRejected {
        answering(activeResponse(600, RESOURCE)).verify("opaque token+1");

        String basic = new String(Base64.getDecoder().decode(lastAuthorization.get().substring("Basic ".length())), StandardCharsets.UTF_8);
        // RFC 6749 section 2.3.1: each part is form-urlencoded before joining with ':'.
        assertThat(basic).isEqualTo("gateway+client:s3cret%3Awith%2Fodd%2Bchars");
        assertThat(lastForm.get()).contains("token_type_hint=access_token");
        assertThat(URLDecoder.decode(lastForm.get().split("&")[0].substring("token=".length()), StandardCharsets.UTF_8))
                .isEqualTo("opaque token+1");
    }

    @Test
    void inactiveTokenIsInvalid() {
        TokenRejected e = rejection(answering("{\"active\":false}"), "revoked-token");

        assertThat(e.reason()).isEqualTo(TokenRejected.Reason.INVALID_TOKEN);
        assertThat(e.description()).contains("not active");
    }

    @Test
    void unreachableEndpointMeansVerifierUnavailable() throws Exception {
        IntrospectionVerifier verifier = new IntrospectionVerifier(LocalHttpServer.refusingUri("/introspect"),
                CLIENT_ID, CLIENT_SECRET, JwtRules.of(ISSUER, RESOURCE));

        TokenRejected e = rejection(verifier, "any-token");

        assertThat(e.reason()).isEqualTo(TokenRejected.Reason.VERIFIER_UNAVAILABLE);
        assertThat(e.description()).contains("could not be reached");
    }

    @Test
    void serverErrorMeansVerifierUnavailable() {
        as.route("/introspect", request -> new LocalHttpServer.Reply(500, "text/plain", "boom"));
        IntrospectionVerifier verifier = new IntrospectionVerifier(as.uri("/introspect"), CLIENT_ID, CLIENT_SECRET, JwtRules.of(ISSUER, RESOURCE));

        TokenRejected e = rejection(verifier, "any-token");

        assertThat(e.reason()).isEqualTo(TokenRejected.Reason.VERIFIER_UNAVAILABLE);
        assertThat(e.description()).contains("HTTP 500");
    }

    @Test
    void rejectedClientCredentialsAreReportedAsAConfigurationProblem() {
        as.route("/introspect", request -> new LocalHttpServer.Reply(401, "application/json", "{\"error\":\"invalid_client\"}"));
        IntrospectionVerifier verifier = new IntrospectionVerifier(as.uri("/introspect"), CLIENT_ID, CLIENT_SECRET, JwtRules.of(ISSUER, RESOURCE));

        TokenRejected e = rejection(verifier, "any-token");

        assertThat(e.reason()).isEqualTo(TokenRejected.Reason.VERIFIER_UNAVAILABLE);
        assertThat(e.description()).contains("client id and secret");
    }

    @Test
    void nonJsonAnswerMeansVerifierUnavailable() {
        as.route("/introspect", request -> new LocalHttpServer.Reply(200, "text/html", "<html>login</html>"));
        IntrospectionVerifier verifier = new IntrospectionVerifier(as.uri("/introspect"), CLIENT_ID, CLIENT_SECRET, JwtRules.of(ISSUER, RESOURCE));

        TokenRejected e = rejection(verifier, "any-token");

        assertThat(e.reason()).isEqualTo(TokenRejected.Reason.VERIFIER_UNAVAILABLE);
        assertThat(e.description()).contains("JSON");
    }

    @Test
    void slowEndpointTimesOutAsVerifierUnavailable() {
        as.route("/introspect", request -> {
            Thread.sleep(2000);
            return LocalHttpServer.Reply.json(activeResponse(600, RESOURCE));
        });
        var options = new IntrospectionVerifier.Options(Duration.ofMillis(500), Duration.ofMillis(200), null);
        IntrospectionVerifier verifier = new IntrospectionVerifier(as.uri("/introspect"), CLIENT_ID, CLIENT_SECRET,
                JwtRules.of(ISSUER, RESOURCE), options);

        TokenRejected e = rejection(verifier, "any-token");

        assertThat(e.reason()).isEqualTo(TokenRejected.Reason.VERIFIER_UNAVAILABLE);
        assertThat(e.description()).contains("did not answer within 200 ms");
    }

    @Test
    void tokenForAnotherAudienceIsInvalid() {
        TokenRejected e = rejection(answering(activeResponse(600, "https://other.example")), "token");

        assertThat(e.reason()).isEqualTo(TokenRejected.Reason.INVALID_TOKEN);
        assertThat(e.description()).contains("audience");
    }

    @Test
    void tokenFromAnotherIssuerIsInvalid() {
        String json = activeResponse(600, RESOURCE).replace(ISSUER, "https://evil.example");

        assertThat(rejection(answering(json), "token").description()).contains("issuer");
    }

    @Test
    void expiredExpIsInvalidEvenWhenTheServerSaysActive() {
        assertThat(rejection(answering(activeResponse(-3600, RESOURCE)), "token").description()).contains("expired");
    }

    @Test
    void responseWithoutExpIsRefusedUnlessAMaxLifetimeIsConfigured() throws TokenRejected {
        String noExp = "{\"active\":true,\"sub\":\"alice\",\"aud\":[\"" + RESOURCE + "\"]}";
        assertThat(rejection(answering(noExp), "token").description()).contains("no exp");

        IntrospectionVerifier bounded = new IntrospectionVerifier(as.uri("/introspect"), CLIENT_ID, CLIENT_SECRET,
                JwtRules.of(ISSUER, RESOURCE), IntrospectionVerifier.Options.defaults().withMaxTtlWithoutExp(Duration.ofMinutes(2)));
        AccessToken token = bounded.verify("token");
        assertThat(token.expiresAt()).isBetween(Instant.now().plusSeconds(100), Instant.now().plusSeconds(121));
    }

    @Test
    void descriptionNamesTheEndpointButNotTheSecret() {
        String text = answering("{}").toString();

        assertThat(text).contains("/introspect").contains(CLIENT_ID).doesNotContain(CLIENT_SECRET);
    }

    @Test
    void introspectionTimeoutBoundsTheWaitAndTheRefusalNamesTheOption() throws Exception {
        as.route("/slow", request -> {
            Thread.sleep(3000);
            return LocalHttpServer.Reply.json("{\"active\":false}");
        });
        IntrospectionVerifier verifier = new IntrospectionVerifier(as.uri("/slow"), CLIENT_ID, CLIENT_SECRET, JwtRules.of(ISSUER, RESOURCE),
                IntrospectionVerifier.Options.defaults().withRequestTimeout(java.time.Duration.ofMillis(300)));

        long start = System.nanoTime();
        TokenRejected e = org.junit.jupiter.api.Assertions.assertThrows(TokenRejected.class, () -> verifier.verify("opaque-token"));

        assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofMillis(2000));
        assertThat(e.reason()).isEqualTo(TokenRejected.Reason.VERIFIER_UNAVAILABLE);
        assertThat(e.description()).contains("300 ms").contains("--introspection-timeout");
    }
}
