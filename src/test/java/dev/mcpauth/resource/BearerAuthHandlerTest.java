package dev.mcpauth.resource;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.http.LogCapture;
import dev.mcpauth.http.TestHttp;
import dev.mcpauth.http.VirtualThreadDispatch;
import dev.mcpauth.token.TokenRejected;
import dev.mcpauth.token.TokenVerifier;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BearerAuthHandlerTest {

    static final String METADATA = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp";
    static final String PLAIN_CHALLENGE = "Bearer realm=\"mcp\", resource_metadata=\"" + METADATA + "\", scope=\"mcp:basic\"";

    private final TestTokens tokens = new TestTokens();
    private final Challenge challenge = new Challenge(URI.create(METADATA), Set.of("mcp:basic"));
    private TestHttp http;

    private TestHttp serve(TokenVerifier verifier) {
        http = new TestHttp(new VirtualThreadDispatch(new BearerAuthHandler(verifier, challenge, TestHttp.echo())));
        return http;
    }

    @AfterEach
    void stop() {
        if (http != null) {
            http.close();
        }
    }

    @Test
    void requestWithoutTokenGetsChallengeNamingResourceMetadataAndScope() throws Exception {
        HttpResponse<String> response = serve(tokens.verifier()).send(http.request("/mcp").GET());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().allValues("WWW-Authenticate")).containsExactly(PLAIN_CHALLENGE);
        JsonNode body = TestHttp.json(response);
        assertThat(body.path("error").asText()).isEqualTo("unauthorized");
        assertThat(body.path("error_description").asText()).contains("Authorization: Bearer");
        assertThat(body.path("resource_metadata").asText()).isEqualTo(METADATA);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    }

    @Test
    void validTokenReachesNextWithAccessTokenAttached() throws Exception {
        String token = tokens.mint("alice", "mcp:basic tools:read");

        HttpResponse<String> response = serve(tokens.verifier())
                .send(http.request("/mcp").header("Authorization", "Bearer " + token).GET());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode seen = TestHttp.json(response);
        assertThat(seen.path("subject").asText()).isEqualTo("alice");
        assertThat(seen.path("scopes").toString()).isEqualTo("[\"mcp:basic\",\"tools:read\"]");
    }

    @Test
    void schemeNameIsCaseInsensitive() throws Exception {
        String token = tokens.mint("alice", "mcp:basic");

        HttpResponse<String> response = serve(tokens.verifier())
                .send(http.request("/mcp").header("Authorization", "bearer " + token).GET());

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void tokenSignedWithAnotherKeyIsRejectedWithInvalidTokenChallenge() throws Exception {
        String token = tokens.mintWithOtherKey("mallory", "mcp:basic");

        HttpResponse<String> response = serve(tokens.verifier())
                .send(http.request("/mcp").header("Authorization", "Bearer " + token).GET());

        assertThat(response.statusCode()).isEqualTo(401);
        String header = response.headers().firstValue("WWW-Authenticate").orElseThrow();
        assertThat(header).startsWith("Bearer realm=\"mcp\", error=\"invalid_token\", error_description=\"The access token is not valid: ");
        assertThat(header).endsWith("\", resource_metadata=\"" + METADATA + "\", scope=\"mcp:basic\"");
        assertThat(TestHttp.json(response).path("error").asText()).isEqualTo("invalid_token");
    }

    @Test
    void expiredTokenIsRejectedWithInvalidTokenChallenge() throws Exception {
        String token = tokens.mintExpired("alice", "mcp:basic");

        HttpResponse<String> response = serve(tokens.verifier())
                .send(http.request("/mcp").header("Authorization", "Bearer " + token).GET());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("error=\"invalid_token\"").containsIgnoringCase("expired");
    }

    @Test
    void errorDescriptionFromVerifierIsQuotedSafely() throws Exception {
        TokenVerifier hostile = t -> {
            throw TokenRejected.invalid("token \"x\" was revoked\\ by admin\r\nX-Injected: yes\u00e9");
        };

        HttpResponse<String> response = serve(hostile).send(http.request("/mcp").header("Authorization", "Bearer abc").GET());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("X-Injected")).isEmpty();
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("error_description=\"token 'x' was revoked/ by admin??X-Injected: yes?\"");
    }

    @Test
    void tokenInQueryStringIsRefusedAsInvalidRequest() throws Exception {
        String token = tokens.mint("alice", "mcp:basic");

        HttpResponse<String> response = serve(tokens.verifier())
                .send(http.request("/mcp?access_token=" + token).header("Authorization", "Bearer " + token).GET());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
                .startsWith("Bearer realm=\"mcp\", error=\"invalid_request\", error_description=\"Access tokens must not be sent in the URL query");
        assertThat(TestHttp.json(response).path("error").asText()).isEqualTo("invalid_request");
    }

    @Test
    void malformedAuthorizationHeaderIsInvalidRequest() throws Exception {
        serve(tokens.verifier());

        for (String value : new String[] {"Bearer", "Bearer two tokens", "Bearer not,b64"}) {
            HttpResponse<String> response = http.send(http.request("/mcp").header("Authorization", value).GET());
            assertThat(response.statusCode()).as(value).isEqualTo(400);
            assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("error=\"invalid_request\"");
        }
    }

    @Test
    void twoAuthorizationHeadersAreInvalidRequest() throws Exception {
        String token = tokens.mint("alice", "mcp:basic");

        HttpResponse<String> response = serve(tokens.verifier()).send(http.request("/mcp")
                .header("Authorization", "Bearer " + token).header("Authorization", "Bearer " + token).GET());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(TestHttp.json(response).path("error_description").asText()).contains("exactly one Authorization header");
    }

    @Test
    void otherSchemeGetsChallengeWithoutErrorCode() throws Exception {
        HttpResponse<String> response = serve(tokens.verifier())
                .send(http.request("/mcp").header("Authorization", "Basic dXNlcjpwYXNz").GET());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().allValues("WWW-Authenticate")).containsExactly(PLAIN_CHALLENGE);
    }

    @Test
    void verifierInvalidRequestAnswers400() throws Exception {
        TokenVerifier picky = t -> {
            throw new TokenRejected(TokenRejected.Reason.INVALID_REQUEST, "token too large to consider");
        };

        HttpResponse<String> response = serve(picky).send(http.request("/mcp").header("Authorization", "Bearer abc").GET());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
                .isEqualTo("Bearer realm=\"mcp\", error=\"invalid_request\", error_description=\"token too large to consider\", "
                        + "resource_metadata=\"" + METADATA + "\"");
    }

    @Test
    void unreachableVerifierAnswers503WithRetryAfterAndNoChallenge() throws Exception {
        TokenVerifier down = t -> {
            throw new TokenRejected(TokenRejected.Reason.VERIFIER_UNAVAILABLE, "JWKS endpoint unreachable");
        };

        HttpResponse<String> response = serve(down).send(http.request("/mcp").header("Authorization", "Bearer abc").GET());

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(response.headers().firstValue("WWW-Authenticate")).isEmpty();
        JsonNode body = TestHttp.json(response);
        assertThat(body.path("error").asText()).isEqualTo("temporarily_unavailable");
        assertThat(body.path("error_description").asText()).contains("JWKS endpoint unreachable");
    }

    @Test
    void rejectionsAreAuditedWithTokenFingerprintNeverTheToken() throws Exception {
        String token = tokens.mintWithOtherKey("mallory", "mcp:basic");
        try (LogCapture audit = new LogCapture(AuditLog.LOGGER_NAME)) {
            serve(tokens.verifier()).send(http.request("/mcp").header("Authorization", "Bearer " + token).GET());

            assertThat(audit.lines()).singleElement().satisfies(line -> {
                assertThat(line).startsWith("INFO event=authn decision=deny error=invalid_token token_sha256=" + AuditLog.fingerprint(token));
                assertThat(line).doesNotContain(token).doesNotContain(token.substring(token.lastIndexOf('.') + 1));
            });
        }
    }

    @Test
    void acceptedTokenIsAuditedAtDebugWithoutTheToken() throws Exception {
        String token = tokens.mint("alice", "mcp:basic");
        try (LogCapture audit = new LogCapture(AuditLog.LOGGER_NAME)) {
            serve(tokens.verifier()).send(http.request("/mcp").header("Authorization", "Bearer " + token).GET());

            assertThat(audit.lines()).singleElement().satisfies(line -> {
                assertThat(line).startsWith("DEBUG event=authn decision=allow subject=alice client=test-client jti=");
                assertThat(line).doesNotContain(token);
            });
        }
    }
}
