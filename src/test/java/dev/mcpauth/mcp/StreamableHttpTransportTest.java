package dev.mcpauth.mcp;

import static dev.mcpauth.mcp.TestFixtures.ALICE;
import static dev.mcpauth.mcp.TestFixtures.ROOT;
import static dev.mcpauth.mcp.TestFixtures.call;
import static dev.mcpauth.mcp.TestFixtures.client;
import static dev.mcpauth.mcp.TestFixtures.firstText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Streamable HTTP transport as the SDK's own client sees it, over a real Undertow on loopback. */
class StreamableHttpTransportTest {

    private ToolCatalog catalog;
    private UndertowStreamableTransport transport;
    private GatewayMcpServer server;
    private TestFixtures.Server http;
    private final List<McpSyncClient> clients = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        catalog = TestFixtures.catalog();
        transport = new UndertowStreamableTransport();
        server = TestFixtures.factory(catalog).streamable(transport);
        http = TestFixtures.Server.startBlocking(Map.of("alice", ALICE, "root", ROOT), transport);
    }

    @AfterEach
    void stop() {
        clients.forEach(McpSyncClient::close);
        server.close();
        http.close();
    }

    private McpSyncClient connect(String bearer) {
        McpSyncClient client = client(http.url(), bearer);
        clients.add(client);
        client.initialize();
        return client;
    }

    @Test
    void sdkClientInitializesListsAndCallsATool() {
        McpSyncClient client = connect("alice");

        assertThat(client.getCurrentInitializationResult().serverInfo().name()).isEqualTo("mcp-auth-test");
        assertThat(client.getCurrentInitializationResult().capabilities().tools().listChanged()).isTrue();
        assertThat(client.getCurrentInitializationResult().protocolVersion()).isEqualTo("2025-11-25");
        McpSchema.CallToolResult result = client.callTool(call("echo", Map.of("text", "hi")));
        assertThat(result.isError()).isNotEqualTo(Boolean.TRUE);
        assertThat(firstText(result)).isEqualTo("echo hi for alice");
        assertThat(transport.sessionCount()).isEqualTo(1);
    }

    @Test
    void toolsListShowsOnlyToolsTheCallersScopesPermit() {
        List<String> aliceSees = connect("alice").listTools().tools().stream().map(McpSchema.Tool::name).toList();
        List<String> rootSees = connect("root").listTools().tools().stream().map(McpSchema.Tool::name).toList();

        assertThat(aliceSees).containsExactlyInAnyOrder("echo", "explode");
        assertThat(rootSees).containsExactlyInAnyOrder("echo", "explode", "admin_reset");
    }

    @Test
    void callDeniedByPolicyIsInsufficientScopeErrorWithTheForbiddenBodyFields() {
        McpSyncClient client = connect("alice");

        assertThatThrownBy(() -> client.callTool(call("admin_reset", Map.of())))
                .isInstanceOfSatisfying(McpError.class, e -> {
                    McpSchema.JSONRPCResponse.JSONRPCError error = e.getJsonRpcError();
                    assertThat(error.code()).isEqualTo(ToolInvoker.INSUFFICIENT_SCOPE);
                    assertThat(error.message()).contains("admin_reset").contains("admin");
                    assertThat(error.data()).isInstanceOf(Map.class);
                    Map<?, ?> data = (Map<?, ?>) error.data();
                    assertThat(data.get("error")).isEqualTo("insufficient_scope");
                    assertThat(data.get("required_scope")).isEqualTo("admin");
                    assertThat(data.get("token_scopes")).isEqualTo("tools:read");
                    assertThat(data.get("scope_upgrade_endpoint")).isEqualTo("https://issuer.test/authorize");
                });
    }

    @Test
    void toolThatThrowsGivesIsErrorResultWithoutTheExceptionText() {
        McpSchema.CallToolResult result = connect("alice").callTool(call("explode", Map.of()));

        assertThat(result.isError()).isTrue();
        assertThat(firstText(result)).contains("explode").doesNotContain("hunter2").doesNotContain("Exception");
    }

    @Test
    void catalogChangeNotifiesTheClientWhichThenSeesTheNewTool() throws Exception {
        CountDownLatch changed = new CountDownLatch(1);
        List<String> seen = new CopyOnWriteArrayList<>();
        McpSyncClient client = client(http.url(), "alice", tools -> {
            tools.forEach(t -> seen.add(t.name()));
            changed.countDown();
        });
        clients.add(client);
        client.initialize();
        awaitListeningStream();

        catalog.replaceSource("upstream", List.of(new CatalogTool(TestFixtures.tool("weather"), c -> TestFixtures.text("sunny"))));

        assertThat(changed.await(10, TimeUnit.SECONDS)).as("list_changed reached the client").isTrue();
        assertThat(seen).contains("weather");
        assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).contains("weather");
        assertThat(firstText(client.callTool(call("weather", Map.of())))).isEqualTo("sunny");
    }

    @Test
    void toolRemovedFromTheCatalogDisappearsFromTheList() {
        McpSyncClient client = connect("root");
        catalog.replaceSource("builtin", List.of(new CatalogTool(TestFixtures.tool("echo"), c -> TestFixtures.text("still here"))));

        assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).containsExactly("echo");
        assertThatThrownBy(() -> client.callTool(call("admin_reset", Map.of()))).isInstanceOf(McpError.class);
    }

    @Test
    void sdkClientClosingDeletesItsSession() {
        McpSyncClient client = client(http.url(), "alice");
        client.initialize();
        assertThat(transport.sessionCount()).isEqualTo(1);

        assertThat(client.closeGracefully()).isTrue();

        assertThat(transport.sessionCount()).isZero();
    }

    /** The SDK client opens its GET stream right after initialize, asynchronously; notifications need it. */
    private void awaitListeningStream() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (transport.listeningStreamCount() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(transport.listeningStreamCount()).as("the client opened its GET stream").isEqualTo(1);
    }
}
