package dev.mcpauth.mcp;

import static dev.mcpauth.mcp.TestFixtures.ALICE;
import static dev.mcpauth.mcp.TestFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.modern.ModernServer;
import dev.mcpauth.modern.StdioModernLane;
import dev.mcpauth.token.TokenRejected;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * stdio serving both eras per message (MCP 2026-07-28 basic/versioning, "Backward Compatibility"): initialize and
 * plain requests go to the legacy session, requests with modern {@code _meta} to the stateless server, all on one
 * stdout, every reply flushed before run() returns on EOF.
 */
class StdioDualEraTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"stdio-test\",\"version\":\"1\"}}}";
    private static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";

    private static String legacyCall(int id, String tool) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":{\"text\":\"t" + id + "\"}}}";
    }

    /** A 2026-07-28 request: version and capabilities in params._meta, and nothing else to say which era it is. */
    private static String modern(String id, String method, String params, String version) {
        String meta = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"" + version + "\","
                + "\"io.modelcontextprotocol/clientCapabilities\":{},\"io.modelcontextprotocol/clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}";
        return "{\"jsonrpc\":\"2.0\",\"id\":\"" + id + "\",\"method\":\"" + method + "\",\"params\":{"
                + (params.isEmpty() ? "" : params + ",") + meta + "}}";
    }

    private static String modern(String id, String method, String params) {
        return modern(id, method, params, "2026-07-28");
    }

    private static String modernCall(String id, String tool) {
        return modern(id, "tools/call", "\"name\":\"" + tool + "\",\"arguments\":{\"text\":\"" + id + "\"}");
    }

    private static String cancel(String requestId) {
        return "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":\"" + requestId + "\"}}";
    }

    private static ModernServer modernServer(ToolCatalog catalog) {
        return new ModernServer(catalog, TestFixtures.POLICY, "mcp-auth-test", "1.0.0", "https://issuer.test/authorize", Duration.ofSeconds(60));
    }

    private static StdioFront front(ToolCatalog catalog, ModernServer modern, StdioFront.Credential credential, InputStream in,
            OutputStream out, Clock clock) {
        return new StdioFront(TestFixtures.factory(catalog), credential, in, out, Duration.ofSeconds(10),
                admission -> new StdioModernLane(modern, admission));
    }

    /** Runs the front over the given lines until EOF and returns every line it wrote. */
    private static List<JsonNode> serve(ToolCatalog catalog, StdioFront.Credential credential, Clock clock, String... lines)
            throws Exception {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        try (ModernServer modern = modernServer(catalog)) {
            front(catalog, modern, credential, new ByteArrayInputStream((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8)),
                    stdout, clock).run();
        }
        List<JsonNode> out = new ArrayList<>();
        for (String line : stdout.toString(StandardCharsets.UTF_8).lines().toList()) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    private static Map<String, JsonNode> byId(List<JsonNode> messages) {
        Map<String, JsonNode> replies = new HashMap<>();
        messages.stream().filter(m -> m.has("id")).forEach(m -> replies.put(m.get("id").asText(), m));
        return replies;
    }

    @Test
    void legacyAndModernRequestsInterleavedOnOneStdinAllGetTheirRepliesBeforeRunReturnsOnEof() throws Exception {
        ToolCatalog catalog = TestFixtures.catalog();
        catalog.replaceSource("slow", List.of(new CatalogTool(TestFixtures.tool("slow"), c -> {
            Thread.sleep(300);
            return TestFixtures.text("slow done for " + c.caller().subject());
        })));
        Set<Thread> before = liveNonDaemonThreads();

        List<JsonNode> out = serve(catalog, () -> ALICE, Clock.systemUTC(),
                INITIALIZE, modern("d1", "server/discover", ""), INITIALIZED, legacyCall(2, "echo"), modernCall("m1", "echo"),
                modernCall("m2", "slow"), "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}", modern("m3", "tools/list", ""),
                legacyCall(4, "slow"));

        assertThat(liveNonDaemonThreads()).as("nothing left to keep the JVM alive").isSubsetOf(before);
        assertThat(out).allSatisfy(m -> assertThat(m.path("jsonrpc").asText()).isEqualTo("2.0"));
        Map<String, JsonNode> replies = byId(out);
        assertThat(replies.keySet()).containsExactlyInAnyOrder("1", "2", "3", "4", "d1", "m1", "m2", "m3");
        assertThat(replies.get("1").at("/result/protocolVersion").asText()).isEqualTo("2025-06-18");
        assertThat(replies.get("2").at("/result/content/0/text").asText()).isEqualTo("echo t2 for alice");
        assertThat(replies.get("2").at("/result").has("resultType")).as("legacy results stay legacy").isFalse();
        assertThat(replies.get("4").at("/result/content/0/text").asText()).isEqualTo("slow done for alice");
        assertThat(replies.get("3").at("/result/tools").findValuesAsText("name")).containsExactlyInAnyOrder("echo", "explode", "slow");

        JsonNode discover = replies.get("d1").path("result");
        assertThat(discover.path("resultType").asText()).isEqualTo("complete");
        assertThat(discover.path("supportedVersions").toString()).isEqualTo("[\"2026-07-28\",\"2025-11-25\",\"2025-06-18\"]");
        assertThat(discover.at("/_meta/io.modelcontextprotocol~1serverInfo/name").asText()).isEqualTo("mcp-auth-test");
        assertThat(replies.get("m1").at("/result/content/0/text").asText()).isEqualTo("echo m1 for alice");
        assertThat(replies.get("m1").at("/result/resultType").asText()).isEqualTo("complete");
        assertThat(replies.get("m2").at("/result/content/0/text").asText()).isEqualTo("slow done for alice");
        assertThat(replies.get("m3").at("/result/tools").findValuesAsText("name")).containsExactly("echo", "explode", "slow");
        assertThat(replies.get("m3").at("/result/cacheScope").asText()).isEqualTo("private");
    }

    @Test
    void modernRequestsWithAnExpiredCredentialGetInvalidTokenButDiscoveryStillAnswers() throws Exception {
        Map<String, JsonNode> replies = byId(serve(TestFixtures.catalog(), ExpiredCredential.pastExpiryAndSkew(), Clock.systemUTC(),
                modern("d", "server/discover", ""), modern("l", "tools/list", ""), modernCall("c", "echo")));

        assertThat(replies.get("d").at("/result/supportedVersions/0").asText()).as("the probe still finds a modern server").isEqualTo("2026-07-28");
        for (String id : List.of("l", "c")) {
            JsonNode error = replies.get(id).path("error");
            assertThat(error.path("code").asInt()).isEqualTo(ToolInvoker.INVALID_TOKEN);
            assertThat(error.path("message").asText()).containsIgnoringCase("expired");
            assertThat(error.at("/data/error").asText()).isEqualTo("invalid_token");
        }
    }

    @Test
    void modernRequestWithARejectedCredentialNamesTheReason() throws Exception {
        Map<String, JsonNode> replies = byId(serve(TestFixtures.catalog(), () -> {
            throw TokenRejected.invalid("token revoked");
        }, Clock.systemUTC(), modernCall("c", "echo")));

        JsonNode error = replies.get("c").path("error");
        assertThat(error.path("code").asInt()).isEqualTo(ToolInvoker.INVALID_TOKEN);
        assertThat(error.path("message").asText()).contains("token revoked");
    }

    @Test
    void modernCallOfADeniedToolGetsInsufficientScopeWithTheSameDataAsLegacy() throws Exception {
        Map<String, JsonNode> replies = byId(serve(TestFixtures.catalog(), () -> ALICE, Clock.systemUTC(),
                modernCall("c", "admin_reset"), modern("l", "tools/list", "")));

        JsonNode error = replies.get("c").path("error");
        assertThat(error.path("code").asInt()).isEqualTo(ToolInvoker.INSUFFICIENT_SCOPE);
        assertThat(error.at("/data/error").asText()).isEqualTo("insufficient_scope");
        assertThat(error.at("/data/required_scope").asText()).isEqualTo("admin");
        assertThat(error.at("/data/token_scopes").asText()).isEqualTo("tools:read");
        assertThat(error.at("/data/scope_upgrade_endpoint").asText()).isEqualTo("https://issuer.test/authorize");
        assertThat(replies.get("l").at("/result/tools").findValuesAsText("name")).doesNotContain("admin_reset");
    }

    @Test
    void unsupportedVersionInMetaGetsUnsupportedProtocolVersionListingEveryVersion() throws Exception {
        Map<String, JsonNode> replies = byId(serve(TestFixtures.catalog(), () -> ALICE, Clock.systemUTC(),
                modern("old", "tools/list", "", "1900-01-01"), modern("legacy", "tools/list", "", "2025-11-25")));

        JsonNode error = replies.get("old").path("error");
        assertThat(error.path("code").asInt()).isEqualTo(-32022);
        assertThat(error.at("/data/supported").toString()).isEqualTo("[\"2026-07-28\",\"2025-11-25\",\"2025-06-18\"]");
        assertThat(error.at("/data/requested").asText()).isEqualTo("1900-01-01");
        assertThat(replies.get("legacy").at("/error/code").asInt()).isEqualTo(-32022);
        assertThat(replies.get("legacy").at("/error/message").asText()).contains("initialize handshake");
    }

    @Test
    void modernEnvelopeProblemsAndUnknownMethodsAreJsonRpcErrors() throws Exception {
        String noCapabilities = "{\"jsonrpc\":\"2.0\",\"id\":\"nc\",\"method\":\"tools/list\",\"params\":{\"_meta\":"
                + "{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"}}}";
        Map<String, JsonNode> replies = byId(serve(TestFixtures.catalog(), () -> ALICE, Clock.systemUTC(),
                modern("u", "completion/complete", ""), modern("p", "ping", ""), noCapabilities));

        assertThat(replies.get("u").at("/error/code").asInt()).isEqualTo(-32601);
        assertThat(replies.get("u").at("/error/message").asText()).contains("completion/complete");
        assertThat(replies.get("p").at("/error/code").asInt()).as("ping is gone in 2026-07-28").isEqualTo(-32601);
        assertThat(replies.get("nc").at("/error/code").asInt()).isEqualTo(-32602);
        assertThat(replies.get("nc").at("/error/message").asText()).contains("io.modelcontextprotocol/clientCapabilities");
    }

    @Test
    void aSecondModernRequestWithTheIdOfOneInFlightIsRefused() throws Exception {
        ToolCatalog catalog = TestFixtures.catalog();
        catalog.replaceSource("slow", List.of(new CatalogTool(TestFixtures.tool("slow"), c -> {
            Thread.sleep(300);
            return TestFixtures.text("slow done");
        })));

        List<JsonNode> out = serve(catalog, () -> ALICE, Clock.systemUTC(), modernCall("same", "slow"), modernCall("same", "echo"));

        assertThat(out).hasSize(2);
        assertThat(out).anySatisfy(m -> assertThat(m.at("/result/content/0/text").asText()).isEqualTo("slow done"));
        assertThat(out).anySatisfy(m -> assertThat(m.at("/error/code").asInt()).isEqualTo(-32600));
    }

    @Test
    void listenAcknowledgesRelaysToolListChangesAndEndsWithItsResultOnEof() throws Exception {
        ToolCatalog catalog = TestFixtures.catalog();
        PipedOutputStream stdin = new PipedOutputStream();
        TestFixtures.LineSink stdout = new TestFixtures.LineSink();
        try (ModernServer modern = modernServer(catalog)) {
            StdioFront front = front(catalog, modern, () -> ALICE, new PipedInputStream(stdin, 1 << 16), stdout, Clock.systemUTC());
            Thread runner = Thread.ofPlatform().name("stdio-run").start(front::run);

            write(stdin, modern("L1", "subscriptions/listen", "\"notifications\":{\"toolsListChanged\":true,\"promptsListChanged\":true}"));
            JsonNode ack = stdout.next();
            assertThat(ack.path("method").asText()).isEqualTo("notifications/subscriptions/acknowledged");
            assertThat(ack.at("/params/notifications").toString()).isEqualTo("{\"toolsListChanged\":true,\"promptsListChanged\":true}");
            assertThat(ack.at("/params/_meta/io.modelcontextprotocol~1subscriptionId").asText()).isEqualTo("L1");

            write(stdin, modernCall("c", "echo"));
            assertThat(stdout.next().at("/result/content/0/text").asText()).as("other requests are answered meanwhile")
                    .isEqualTo("echo c for alice");
            catalog.replaceSource("upstream", List.of(new CatalogTool(TestFixtures.tool("weather"), c -> TestFixtures.text("sunny"))));
            JsonNode changed = stdout.next();
            assertThat(changed.path("method").asText()).isEqualTo("notifications/tools/list_changed");
            assertThat(changed.at("/params/_meta/io.modelcontextprotocol~1subscriptionId").asText()).isEqualTo("L1");
            catalog.promptCatalog().replaceSource("upstream", List.of(new CatalogPrompt(new McpSchema.Prompt("greet", "a prompt", List.of()),
                    args -> new McpSchema.GetPromptResult(null, List.of()))));
            assertThat(stdout.next().path("method").asText()).isEqualTo("notifications/prompts/list_changed");

            stdin.close();
            JsonNode closed = stdout.next();
            assertThat(closed.path("id").asText()).isEqualTo("L1");
            assertThat(closed.at("/result/_meta/io.modelcontextprotocol~1subscriptionId").asText()).isEqualTo("L1");
            runner.join(10_000);
            assertThat(runner.isAlive()).as("run() returned after EOF").isFalse();
            assertThat(modern.subscriptions().count()).isZero();
            assertThat(stdout.lines).isEmpty();
        }
    }

    @Test
    void cancelledListenSendsNothingMore() throws Exception {
        ToolCatalog catalog = TestFixtures.catalog();
        PipedOutputStream stdin = new PipedOutputStream();
        TestFixtures.LineSink stdout = new TestFixtures.LineSink();
        try (ModernServer modern = modernServer(catalog)) {
            StdioFront front = front(catalog, modern, () -> ALICE, new PipedInputStream(stdin, 1 << 16), stdout, Clock.systemUTC());
            Thread runner = Thread.ofPlatform().name("stdio-run").start(front::run);

            write(stdin, modern("L2", "subscriptions/listen", "\"notifications\":{\"toolsListChanged\":true}"));
            assertThat(stdout.next().path("method").asText()).isEqualTo("notifications/subscriptions/acknowledged");
            write(stdin, cancel("L2"));
            for (int i = 0; i < 500 && modern.subscriptions().count() > 0; i++) {
                Thread.sleep(10);
            }
            assertThat(modern.subscriptions().count()).as("the cancel ended the subscription").isZero();
            catalog.replaceSource("upstream", List.of(new CatalogTool(TestFixtures.tool("weather"), c -> TestFixtures.text("sunny"))));
            stdin.close();
            runner.join(10_000);

            assertThat(runner.isAlive()).isFalse();
            assertThat(stdout.lines).as("no list_changed and no listen result after the cancel").isEmpty();
        }
    }

    private static Set<Thread> liveNonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && !t.isDaemon()).collect(Collectors.toSet());
    }
}
