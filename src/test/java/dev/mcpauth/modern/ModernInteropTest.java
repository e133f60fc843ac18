package dev.mcpauth.modern;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.support.NodeClients;
import dev.mcpauth.support.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official TypeScript SDK 2.x client (npm {@code @modelcontextprotocol/client}) in modern mode and the
 * TypeScript SDK 1.x client (legacy, initialize + session) against the same running gateway at the same time.
 */
class ModernInteropTest {

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
    void modernAndLegacyTypeScriptClientsShareOneEndpointAtTheSameTime() throws Exception {
        String token = gw.token("read:files");
        CompletableFuture<JsonNode> modern = CompletableFuture.supplyAsync(() -> run(() ->
                ModernNodeClient.run("modern-client.mjs", gw.mcpUrl(), token, "list_files", "{\"path\":\".\"}", "add_numbers")));
        CompletableFuture<JsonNode> legacy = CompletableFuture.supplyAsync(() -> run(() ->
                NodeClients.run("token-client.mjs", gw.mcpUrl(), token, "list_files", "{\"path\":\".\"}")));
        JsonNode m = modern.join();
        JsonNode l = legacy.join();

        assertThat(m.has("error")).as(m.toString()).isFalse();
        assertThat(m.get("era").asText()).isEqualTo("modern");
        assertThat(m.get("protocolVersion").asText()).isEqualTo("2026-07-28");
        assertThat(m.get("sessionId").isNull()).isTrue();
        assertThat(m.at("/serverVersion/name").asText()).isEqualTo("mcp-auth");
        assertThat(m.at("/discover/supportedVersions").toString()).contains("2026-07-28", "2025-11-25");
        assertThat(names(m.get("tools"))).contains("list_files").doesNotContain("add_numbers", "execute_command");
        assertThat(m.at("/call/isError").asBoolean()).isFalse();
        assertThat(m.at("/call/content/0/text").asText()).contains("hello.txt");

        assertThat(l.has("error")).as(l.toString()).isFalse();
        assertThat(l.get("protocolVersion").asText()).isEqualTo("2025-11-25");
        assertThat(l.get("sessionId").asText()).isNotEmpty();
        assertThat(l.at("/call/content/0/text").asText()).contains("hello.txt");
    }

    @Test
    void modernClientSendsEveryRequiredHeaderAndNoSession() throws Exception {
        JsonNode m = modernRun();

        assertThat(m.get("requests").size()).isGreaterThanOrEqualTo(4);
        for (JsonNode request : m.get("requests")) {
            assertThat(request.get("method").asText()).isEqualTo("POST");
            assertThat(request.get("protocolVersion").asText()).isEqualTo("2026-07-28");
            assertThat(request.get("mcpMethod").asText()).isNotEmpty();
            assertThat(request.get("sessionId").isNull()).isTrue();
            if (request.get("mcpMethod").asText().equals("tools/call")) {
                assertThat(request.get("mcpName").isTextual()).isTrue();
            }
        }
    }

    @Test
    void modernClientSurfacesThe403StepUpChallengeWithTheScopesToAskFor() throws Exception {
        JsonNode m = modernRun();

        JsonNode denied = m.at("/denied/error");
        assertThat(denied.get("name").asText()).isEqualTo("InsufficientScopeError");
        assertThat(denied.get("requiredScope").asText()).isEqualTo("math:calculate read:files");
        assertThat(denied.get("resourceMetadataUrl").asText()).isEqualTo(gw.server.baseUrl() + "/.well-known/oauth-protected-resource/mcp");
    }

    @Test
    void modernClientSeesAHeaderMismatchAsTheModernError() throws Exception {
        JsonNode m = modernRun();

        JsonNode mismatch = m.at("/mismatch/error");
        assertThat(mismatch.get("name").asText()).isEqualTo("ProtocolError");
        assertThat(mismatch.get("code").asInt()).isEqualTo(-32020);
        assertThat(mismatch.get("message").asText()).contains("Mcp-Name");
    }

    private static JsonNode modernRun;

    /** One run of the modern client, shared by the tests that only read what it saw. */
    private static synchronized JsonNode modernRun() throws Exception {
        if (modernRun == null) {
            modernRun = ModernNodeClient.run("modern-client.mjs", gw.mcpUrl(), gw.token("read:files"), "list_files", "{\"path\":\".\"}", "add_numbers");
        }
        return modernRun;
    }

    private static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(n -> names.add(n.asText()));
        return names;
    }

    private interface Script {
        JsonNode run() throws Exception;
    }

    private static JsonNode run(Script script) {
        try {
            return script.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
