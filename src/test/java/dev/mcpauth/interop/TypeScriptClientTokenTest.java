package dev.mcpauth.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.support.NodeClients;
import dev.mcpauth.support.TestGateway;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The official TypeScript SDK client (npm), with a bearer token, against a real gateway. */
class TypeScriptClientTokenTest {

    @TempDir
    static Path root;
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.sharedSecret(root, false);
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    void typeScriptClientConnectsWithATokenListsPermittedToolsAndCallsOne() throws Exception {
        JsonNode out = NodeClients.run("token-client.mjs", gw.mcpUrl(), gw.token("math:calculate"), "add_numbers", "{\"a\":20,\"b\":22}");

        assertThat(out.has("error")).as(out.toString()).isFalse();
        assertThat(out.at("/serverVersion/name").asText()).isEqualTo("mcp-auth");
        assertThat(out.get("sessionId").asText()).isNotBlank();
        assertThat(names(out.get("tools"))).contains("add_numbers", "multiply_numbers").doesNotContain("list_files", "execute_command");
        assertThat(out.at("/call/structuredContent/result").asInt()).isEqualTo(42);
    }

    @Test
    void typeScriptClientSeesThe403InsufficientScopeForAToolBeyondItsToken() throws Exception {
        JsonNode out = NodeClients.run("token-client.mjs", gw.mcpUrl(), gw.token("read:files"), "add_numbers", "{\"a\":1,\"b\":2}");

        assertThat(out.at("/error/code").asInt()).isEqualTo(403);
        assertThat(out.at("/error/message").asText()).contains("insufficient_scope").contains("math:calculate");
    }

    @Test
    void typeScriptClientWithAnInvalidTokenCannotConnect() throws Exception {
        JsonNode out = NodeClients.run("token-client.mjs", gw.mcpUrl(), "not-a-token", "", "{}");

        assertThat(out.at("/error/message").asText()).containsAnyOf("401", "Unauthorized", "invalid_token");
        assertThat(out.has("tools")).isFalse();
    }

    private static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(n -> names.add(n.asText()));
        return names;
    }
}
