package dev.mcpauth.flow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.cli.Cli;
import dev.mcpauth.support.NodeClients;
import dev.mcpauth.support.TestGateway;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole MCP authorization flow driven by the official TypeScript SDK's OAuth client (a real Node process) against
 * {@code serve} with its embedded authorization server: 401, discovery, registration, PKCE, code exchange, a tool
 * call, refresh with rotation, and a call with the refreshed token.
 */
class TypeScriptOAuthClientTest {

    @TempDir
    Path filesRoot;

    @Test
    void officialSdkClientLogsInCallsAToolAndRefreshesWithRotation() throws Exception {
        try (TestGateway serve = TestGateway.start(Cli.serveConfig("--port", "0", "--auto-approve", "--files-root", filesRoot.toString()))) {
            JsonNode result = NodeClients.run("oauth-client.mjs", serve.mcpUrl(), "math:calculate", "add_numbers", "{\"a\":2,\"b\":3}");

            assertThat(result.has("error")).as(result.toString()).isFalse();
            List<String> steps = new ArrayList<>();
            result.path("steps").forEach(s -> steps.add(s.asText()));
            assertThat(steps).containsSubsequence("unauthorized", "connected");
            assertThat(steps).contains("registered", "authorize");
            assertThat(steps.indexOf("registered")).isLessThan(steps.indexOf("authorize"));
            assertThat(result.path("authorizationUrl").asText()).startsWith(serve.server.baseUrl() + "/oauth/authorize")
                    .contains("code_challenge_method=S256").contains("resource=");
            assertThat(result.at("/call/structuredContent/result").asInt()).isEqualTo(5);
            assertThat(result.at("/call/isError").asBoolean(false)).isFalse();
            assertThat(result.at("/refreshed/rotated").asBoolean()).isTrue();
            assertThat(result.at("/refreshed/hasAccessToken").asBoolean()).isTrue();
            assertThat(result.at("/callAfterRefresh/structuredContent/result").asInt()).isEqualTo(5);
            // RFC 9207: the redirect names the issuer, which the SDK can check against the metadata.
            assertThat(result.path("callbackIss").asText()).isEqualTo(serve.server.authServer().issuer());
            // The SDK asks for the scopes the resource advertises (MCP scope selection), so every tool is listed.
            List<String> tools = new ArrayList<>();
            result.path("tools").forEach(t -> tools.add(t.asText()));
            assertThat(tools).contains("add_numbers", "list_files");
        }
    }
}
