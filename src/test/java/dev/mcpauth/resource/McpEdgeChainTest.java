package dev.mcpauth.resource;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.http.AccessLog;
import dev.mcpauth.http.AllowedOrigins;
import dev.mcpauth.http.CorsHandler;
import dev.mcpauth.http.JsonRpcBodyReader;
import dev.mcpauth.http.OriginCheck;
import dev.mcpauth.http.RequestLimits;
import dev.mcpauth.http.TestHttp;
import dev.mcpauth.http.VirtualThreadDispatch;
import dev.mcpauth.policy.Policy;
import dev.mcpauth.policy.ScopePolicy;
import io.undertow.server.HttpHandler;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The whole /mcp edge in the order proposed for GatewayServer, with an echo where the MCP transport goes. */
class McpEdgeChainTest {

    private final TestTokens tokens = new TestTokens();
    private TestHttp http;

    /** The proposed composition: cheap refusals first, CORS before auth (preflights carry no token), blocking after dispatch. */
    static HttpHandler mcpChain(TestTokens tokens, HttpHandler transport) {
        ProtectedResourceMetadata prm = new ProtectedResourceMetadata(URI.create(TestTokens.RESOURCE),
                java.util.List.of(URI.create(TestTokens.ISSUER)), Set.of("mcp:basic", "tools:write"), "test", null);
        Challenge challenge = new Challenge(prm.metadataUrl(), Set.of("mcp:basic"));
        AllowedOrigins origins = AllowedOrigins.defaults(URI.create(TestTokens.RESOURCE), true);
        Policy policy = Policy.of(ScopePolicy.of(Map.of("write", Set.of("tools:write")), Set.of("mcp:basic")));
        AuditLog audit = new AuditLog();
        return new AccessLog(
                new RequestLimits(16, 64 * 1024,
                        new OriginCheck(origins,
                                new CorsHandler(origins,
                                        new VirtualThreadDispatch(
                                                new BearerAuthHandler(tokens.verifier(), challenge, audit,
                                                        new JsonRpcBodyReader(64 * 1024,
                                                                new ToolPolicyHandler(policy, challenge, audit, transport))))))));
    }

    @BeforeEach
    void start() {
        http = new TestHttp(mcpChain(tokens, TestHttp.echo()));
    }

    @AfterEach
    void stop() {
        http.close();
    }

    @Test
    void unauthenticatedRequestIsChallengedBeforeItsShapeIsJudged() throws Exception {
        HttpResponse<String> response = http.send(http.request("/mcp").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("not json")));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue(
                "Bearer realm=\"mcp\", resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource/mcp\", "
                        + "scope=\"mcp:basic\"");
    }

    @Test
    void foreignOriginIsRefusedBeforeAuthentication() throws Exception {
        HttpResponse<String> response = http.send(http.mcpPost("/mcp", "{}").header("Origin", "https://evil.example"));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("WWW-Authenticate")).isEmpty();
    }

    @Test
    void browserClientOnLoopbackCanPreflightAndReadTheChallenge() throws Exception {
        HttpResponse<String> preflight = http.send(http.request("/mcp").header("Origin", "http://localhost:6274")
                .header("Access-Control-Request-Method", "POST").method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        HttpResponse<String> challenged = http.send(http.mcpPost("/mcp", "{}").header("Origin", "http://localhost:6274"));

        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(challenged.statusCode()).isEqualTo(401);
        assertThat(challenged.headers().firstValue("Access-Control-Expose-Headers").orElseThrow()).contains("WWW-Authenticate");
    }

    @Test
    void authorizedToolCallReachesTheTransportAndUnderScopedOneIsSteppedUp() throws Exception {
        String basic = tokens.mint("alice", "mcp:basic");
        String call = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"%s\"}}";

        HttpResponse<String> allowed = http.send(http.mcpPost("/mcp", call.formatted("read")).header("Authorization", "Bearer " + basic));
        HttpResponse<String> denied = http.send(http.mcpPost("/mcp", call.formatted("write")).header("Authorization", "Bearer " + basic));

        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(TestHttp.json(allowed).path("subject").asText()).isEqualTo("alice");
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.headers().firstValue("WWW-Authenticate").orElseThrow())
                .startsWith("Bearer realm=\"mcp\", error=\"insufficient_scope\"")
                .endsWith("scope=\"mcp:basic tools:write\"");
    }
}
