package dev.mcpauth.gateway;

import static dev.mcpauth.support.TestGateway.json;
import static dev.mcpauth.support.TestGateway.message;
import static dev.mcpauth.support.TestGateway.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.mcpauth.support.TestGateway;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole gateway over real HTTP with real HS256 tokens: every status and challenge a client can meet. */
class GatewayHttpTest {

    @TempDir
    static Path root;
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        Files.writeString(root.resolve("hello.txt"), "hi");
        gw = TestGateway.sharedSecret(root, false);
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    void requestWithoutTokenGets401WithResourceMetadataChallenge() throws Exception {
        HttpResponse<String> res = gw.send(gw.post(null, TestGateway.initializeBody()));

        assertThat(res.statusCode()).isEqualTo(401);
        assertThat(res.headers().firstValue("WWW-Authenticate")).hasValue(
                "Bearer realm=\"mcp\", resource_metadata=\"" + gw.server.baseUrl() + "/.well-known/oauth-protected-resource/mcp\"");
        assertThat(json(res.body()).get("error").asText()).isEqualTo("unauthorized");
    }

    @Test
    void protectedResourceMetadataIsPublicAtBothWellKnownPaths() throws Exception {
        for (String path : List.of("/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource")) {
            HttpResponse<String> res = gw.get(path);
            assertThat(res.statusCode()).as(path).isEqualTo(200);
            JsonNode doc = json(res.body());
            assertThat(doc.get("resource").asText()).isEqualTo(gw.mcpUrl());
            assertThat(doc.get("bearer_methods_supported").get(0).asText()).isEqualTo("header");
            assertThat(doc.get("scopes_supported").toString()).contains("read:files", "execute:commands", "math:calculate");
        }
    }

    @Test
    void healthIsPublic() throws Exception {
        HttpResponse<String> res = gw.get("/health");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(json(res.body()).get("status").asText()).isEqualTo("ok");
    }

    @Test
    void unknownPathIsA404JsonBody() throws Exception {
        HttpResponse<String> res = gw.get("/nope");
        assertThat(res.statusCode()).isEqualTo(404);
        assertThat(json(res.body()).get("error").asText()).isEqualTo("not_found");
    }

    @Test
    void validTokenInitializesListsOnlyPermittedToolsAndCallsOne() throws Exception {
        String token = gw.token("read:files");
        String session = gw.initialize(token);

        JsonNode list = message(gw.send(gw.post(token, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}").header("Mcp-Session-Id", session)));
        List<String> names = new ArrayList<>();
        list.at("/result/tools").forEach(t -> names.add(t.get("name").asText()));
        assertThat(names).contains("list_files", "get_server_info", "list_tool_scopes").doesNotContain("execute_command", "add_numbers");

        HttpResponse<String> call = gw.send(gw.post(token, toolCall(3, "list_files", "{\"path\":\".\"}")).header("Mcp-Session-Id", session));
        assertThat(call.statusCode()).isEqualTo(200);
        assertThat(message(call).at("/result/isError").asBoolean()).isFalse();
        assertThat(message(call).at("/result/content/0/text").asText()).contains("hello.txt");
    }

    @Test
    void callBeyondTheTokensScopesGets403InsufficientScopeWithStepUpHint() throws Exception {
        String token = gw.token("read:files");
        String session = gw.initialize(token);

        HttpResponse<String> res = gw.send(gw.post(token, toolCall(4, "execute_command", "{\"command\":\"echo\",\"args\":[\"x\"]}"))
                .header("Mcp-Session-Id", session));

        assertThat(res.statusCode()).isEqualTo(403);
        String challenge = res.headers().firstValue("WWW-Authenticate").orElseThrow();
        assertThat(challenge).startsWith("Bearer ").contains("error=\"insufficient_scope\"")
                .contains("scope=\"execute:commands read:files\"")
                .contains("resource_metadata=\"" + gw.server.baseUrl() + "/.well-known/oauth-protected-resource/mcp\"");
        JsonNode body = json(res.body());
        assertThat(body.get("error").asText()).isEqualTo("insufficient_scope");
        assertThat(body.get("required_scope").asText()).isEqualTo("execute:commands");
        assertThat(body.get("token_scopes").asText()).isEqualTo("read:files");
        assertThat(body.get("tool").asText()).isEqualTo("execute_command");
    }

    @Test
    void expiredTokenIsRejectedWithInvalidTokenChallenge() throws Exception {
        String expired = hs256(new JWTClaimsSet.Builder().subject("a").audience(gw.mcpUrl())
                .expirationTime(Date.from(Instant.now().minusSeconds(600))).build());
        HttpResponse<String> res = gw.send(gw.post(expired, TestGateway.initializeBody()));

        assertThat(res.statusCode()).isEqualTo(401);
        assertThat(res.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("error=\"invalid_token\"").contains("resource_metadata=");
    }

    @Test
    void tokenForAnotherAudienceIsRejected() throws Exception {
        String other = hs256(new JWTClaimsSet.Builder().subject("a").audience("https://other.example/mcp")
                .expirationTime(Date.from(Instant.now().plusSeconds(600))).build());
        HttpResponse<String> res = gw.send(gw.post(other, TestGateway.initializeBody()));

        assertThat(res.statusCode()).isEqualTo(401);
        assertThat(res.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_token");
    }

    @Test
    void unsignedAlgNoneTokenIsRejected() throws Exception {
        String none = new PlainJWT(new JWTClaimsSet.Builder().subject("a").audience(gw.mcpUrl()).claim("scope", "execute:commands")
                .expirationTime(Date.from(Instant.now().plusSeconds(600))).build()).serialize();
        HttpResponse<String> res = gw.send(gw.post(none, TestGateway.initializeBody()));

        assertThat(res.statusCode()).isEqualTo(401);
    }

    @Test
    void tamperedPayloadIsRejected() throws Exception {
        String[] parts = gw.token("read:files").split("\\.");
        String forged = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"sub\":\"root\",\"aud\":\"" + gw.mcpUrl() + "\",\"scope\":\"execute:commands\",\"exp\":" + (Instant.now().getEpochSecond() + 600) + "}")
                        .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> res = gw.send(gw.post(parts[0] + "." + forged + "." + parts[2], TestGateway.initializeBody()));

        assertThat(res.statusCode()).isEqualTo(401);
    }

    @Test
    void sixtyFourKilobyteTokenIsRefusedWithoutParsing() throws Exception {
        String huge = "a".repeat(64 * 1024);
        HttpResponse<String> res = gw.send(gw.post(huge, TestGateway.initializeBody()));

        assertThat(res.statusCode()).isIn(400, 431);
    }

    @Test
    void wrongContentTypeIs415AndBadAcceptIs406() throws Exception {
        String token = gw.token();
        HttpResponse<String> type = gw.send(gw.post(token, TestGateway.initializeBody()).setHeader("Content-Type", "text/plain"));
        assertThat(type.statusCode()).isEqualTo(415);

        HttpResponse<String> accept = gw.http.send(HttpRequest.newBuilder(URI.create(gw.mcpUrl()))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json").header("Accept", "text/html")
                .POST(HttpRequest.BodyPublishers.ofString(TestGateway.initializeBody())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(accept.statusCode()).isEqualTo(406);
    }

    @Test
    void malformedJsonIsAJsonRpcParseError() throws Exception {
        HttpResponse<String> res = gw.send(gw.post(gw.token(), "{\"jsonrpc\":"));

        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(json(res.body()).at("/error/code").asInt()).isEqualTo(-32700);
    }

    @Test
    void bodyOverTheLimitIs413() throws Exception {
        String big = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\"" + "x".repeat(1024 * 1024 + 10) + "\"}}";
        HttpResponse<String> res = gw.send(gw.post(gw.token(), big));

        assertThat(res.statusCode()).isEqualTo(413);
    }

    @Test
    void unknownSessionIs404AndDeleteEndsASession() throws Exception {
        String token = gw.token();
        HttpResponse<String> unknown = gw.send(gw.post(token, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}")
                .header("Mcp-Session-Id", "no-such-session"));
        assertThat(unknown.statusCode()).isEqualTo(404);

        String session = gw.initialize(token);
        HttpResponse<String> deleted = gw.http.send(HttpRequest.newBuilder(URI.create(gw.mcpUrl()))
                .header("Authorization", "Bearer " + token).header("Mcp-Session-Id", session).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(deleted.statusCode()).isIn(200, 204);
        HttpResponse<String> after = gw.send(gw.post(token, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}").header("Mcp-Session-Id", session));
        assertThat(after.statusCode()).isEqualTo(404);
    }

    @Test
    void foreignOriginIsRefusedAndLoopbackOriginPasses() throws Exception {
        HttpResponse<String> evil = gw.send(gw.post(gw.token(), TestGateway.initializeBody()).header("Origin", "https://evil.example"));
        assertThat(evil.statusCode()).isEqualTo(403);

        HttpResponse<String> local = gw.send(gw.post(gw.token(), TestGateway.initializeBody()).header("Origin", "http://localhost:6274"));
        assertThat(local.statusCode()).isEqualTo(200);
    }

    @Test
    void pathTraversalThroughTheGatewayIsRefusedByTheTool() throws Exception {
        String token = gw.token("read:files");
        String session = gw.initialize(token);
        JsonNode result = message(gw.send(gw.post(token, toolCall(5, "list_files", "{\"path\":\"../..\"}")).header("Mcp-Session-Id", session)));

        assertThat(result.at("/result/isError").asBoolean()).isTrue();
        assertThat(result.at("/result/content/0/text").asText()).contains("leaves the files root");
    }

    @Test
    void shellInjectionIsPassedLiterallyNeverInterpreted() throws Exception {
        String token = gw.token("execute:commands");
        String session = gw.initialize(token);
        Path marker = root.resolve("pwned");
        JsonNode result = message(gw.send(gw.post(token, toolCall(6, "execute_command",
                "{\"command\":\"echo\",\"args\":[\"hi; touch " + marker + "\",\"$(id)\"]}")).header("Mcp-Session-Id", session)));

        assertThat(result.at("/result/structuredContent/stdout").asText()).contains("hi; touch " + marker).contains("$(id)");
        assertThat(marker).doesNotExist();
    }

    private static String hs256(JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new MACSigner(TestGateway.SECRET.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }
}
