package dev.mcpauth.mcp;

import static dev.mcpauth.mcp.TestFixtures.ALICE;
import static dev.mcpauth.mcp.TestFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.token.TokenRejected;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The stdio front over piped streams: newline-delimited JSON-RPC, every reply flushed before run() returns on EOF. */
class StdioFrontTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"stdio-test\",\"version\":\"1\"}}}";
    private static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
    private static final String LIST = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";

    private static String callLine(int id, String tool) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":{\"text\":\"t" + id + "\"}}}";
    }

    @Test
    void initializeListAndCallOneByOneThenEofEndsRun() throws Exception {
        PipedOutputStream stdin = new PipedOutputStream();
        PipedInputStream serverIn = new PipedInputStream(stdin, 1 << 16);
        TestFixtures.LineSink stdout = new TestFixtures.LineSink();
        ToolCatalog catalog = TestFixtures.catalog();
        StdioFront front = new StdioFront(TestFixtures.factory(catalog), () -> ALICE, serverIn, stdout);
        Thread runner = Thread.ofPlatform().name("stdio-run").start(front::run);

        write(stdin, INITIALIZE);
        JsonNode init = JSON.readTree(stdout.lines.poll(10, TimeUnit.SECONDS));
        assertThat(init.path("id").asInt()).as("the first line out is the initialize reply").isEqualTo(1);
        assertThat(init.path("result").path("serverInfo").path("name").asText()).isEqualTo("mcp-auth-test");
        assertThat(init.path("result").path("protocolVersion").asText()).isEqualTo("2025-06-18");
        write(stdin, INITIALIZED);
        JsonNode list = TestFixtures.exchange(stdin, stdout, LIST);
        assertThat(list.path("result").path("tools").findValuesAsText("name")).containsExactlyInAnyOrder("echo", "explode");
        JsonNode call = TestFixtures.exchange(stdin, stdout, callLine(3, "echo"));
        assertThat(call.path("result").path("content").get(0).path("text").asText()).isEqualTo("echo t3 for alice");
        catalog.replaceSource("upstream", List.of(new CatalogTool(TestFixtures.tool("weather"), c -> TestFixtures.text("sunny"))));
        JsonNode notification = JSON.readTree(stdout.lines.poll(10, TimeUnit.SECONDS));
        assertThat(notification.path("method").asText()).isEqualTo("notifications/tools/list_changed");

        stdin.close();
        runner.join(10_000);
        assertThat(runner.isAlive()).as("run() returned after EOF").isFalse();
        assertThat(stdout.lines).isEmpty();
    }

    @Test
    void requestsWrittenAtOnceBeforeEofAllGetTheirReplies() throws Exception {
        ToolCatalog catalog = TestFixtures.catalog();
        catalog.replaceSource("slow", List.of(new CatalogTool(TestFixtures.tool("slow"), c -> {
            Thread.sleep(400);
            return TestFixtures.text("slow done");
        })));
        StringBuilder input = new StringBuilder(INITIALIZE).append('\n').append(INITIALIZED).append('\n').append(LIST).append('\n');
        for (int id = 3; id <= 8; id++) {
            input.append(callLine(id, id % 2 == 0 ? "slow" : "echo")).append('\n');
        }
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        Set<Thread> before = liveNonDaemonThreads();

        new StdioFront(TestFixtures.factory(catalog), () -> ALICE,
                new ByteArrayInputStream(input.toString().getBytes(StandardCharsets.UTF_8)), stdout).run();

        assertThat(liveNonDaemonThreads()).as("nothing left to keep the JVM alive").isSubsetOf(before);
        Map<Integer, JsonNode> replies = replies(stdout);
        assertThat(replies.keySet()).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(replies.get(8).path("result").path("content").get(0).path("text").asText()).isEqualTo("slow done");
        assertThat(replies.get(7).path("result").path("content").get(0).path("text").asText()).isEqualTo("echo t7 for alice");
    }

    @Test
    void expiredCredentialAnswersEachCallWithInvalidTokenError() throws Exception {
        String input = String.join("\n", INITIALIZE, INITIALIZED, LIST, callLine(3, "echo")) + "\n";
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();

        new StdioFront(TestFixtures.factory(TestFixtures.catalog()), ExpiredCredential.pastExpiryAndSkew(),
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), stdout, Duration.ofSeconds(10)).run();

        Map<Integer, JsonNode> replies = replies(stdout);
        assertThat(replies.get(1).has("result")).as("initialize still succeeds").isTrue();
        for (int id : List.of(2, 3)) {
            JsonNode error = replies.get(id).path("error");
            assertThat(error.path("code").asInt()).isEqualTo(ToolInvoker.INVALID_TOKEN);
            assertThat(error.path("message").asText()).containsIgnoringCase("expired");
            assertThat(error.path("data").path("error").asText()).isEqualTo("invalid_token");
        }
    }

    @Test
    void rejectedCredentialIsAJsonRpcErrorNamingTheReason() throws Exception {
        String input = String.join("\n", INITIALIZE, INITIALIZED, callLine(3, "echo")) + "\n";
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();

        new StdioFront(TestFixtures.factory(TestFixtures.catalog()), () -> {
            throw TokenRejected.invalid("token revoked");
        }, new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), stdout).run();

        JsonNode error = replies(stdout).get(3).path("error");
        assertThat(error.path("code").asInt()).isEqualTo(ToolInvoker.INVALID_TOKEN);
        assertThat(error.path("message").asText()).contains("token revoked");
    }

    @Test
    void policyIsEnforcedOnStdioWhereItIsTheOnlyGuard() throws Exception {
        String input = String.join("\n", INITIALIZE, INITIALIZED, callLine(3, "admin_reset")) + "\n";
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();

        new StdioFront(TestFixtures.factory(TestFixtures.catalog()), () -> ALICE,
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), stdout).run();

        JsonNode error = replies(stdout).get(3).path("error");
        assertThat(error.path("code").asInt()).isEqualTo(ToolInvoker.INSUFFICIENT_SCOPE);
        assertThat(error.path("data").path("required_scope").asText()).isEqualTo("admin");
        assertThat(error.path("data").path("token_scopes").asText()).isEqualTo("tools:read");
    }

    @Test
    void garbageLineGetsParseErrorAndNothingButJsonRpcIsWritten() throws Exception {
        String input = INITIALIZE + "\nthis is not json\n" + INITIALIZED + "\n" + LIST + "\n";
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();

        new StdioFront(TestFixtures.factory(TestFixtures.catalog()), () -> ALICE,
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), stdout).run();

        List<String> lines = stdout.toString(StandardCharsets.UTF_8).lines().toList();
        for (String line : lines) {
            assertThat(JSON.readTree(line).path("jsonrpc").asText()).isEqualTo("2.0");
        }
        assertThat(lines).anySatisfy(l -> assertThat(JSON.readTree(l).path("error").path("code").asInt()).isEqualTo(-32700));
        assertThat(replies(stdout)).containsKeys(1, 2);
    }

    private static Set<Thread> liveNonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && !t.isDaemon())
                .collect(java.util.stream.Collectors.toSet());
    }

    private static Map<Integer, JsonNode> replies(ByteArrayOutputStream stdout) throws Exception {
        Map<Integer, JsonNode> byId = new HashMap<>();
        for (String line : stdout.toString(StandardCharsets.UTF_8).lines().toList()) {
            JsonNode node = JSON.readTree(line);
            if (node.path("id").isInt()) {
                byId.put(node.path("id").asInt(), node);
            }
        }
        return byId;
    }
}
