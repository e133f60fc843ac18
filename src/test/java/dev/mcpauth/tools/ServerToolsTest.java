package dev.mcpauth.tools;

import static dev.mcpauth.tools.ToolTesting.NOW;
import static dev.mcpauth.tools.ToolTesting.call;
import static dev.mcpauth.tools.ToolTesting.error;
import static dev.mcpauth.tools.ToolTesting.map;
import static dev.mcpauth.tools.ToolTesting.success;
import static dev.mcpauth.tools.ToolTesting.token;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.mcp.CatalogTool;
import dev.mcpauth.mcp.ToolCall;
import dev.mcpauth.mcp.ToolCatalog;
import dev.mcpauth.policy.Policy;
import dev.mcpauth.support.MutableClock;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerToolsTest {

    private static final Map<String, Object> METADATA = Map.of(
            "resource", "https://mcp.example.com/mcp",
            "authorization_servers", List.of("https://issuer.example.com"),
            "scopes_supported", List.of("read:files", "math:calculate"),
            "bearer_methods_supported", List.of("header"));
    private static final ServerInfo INFO = new ServerInfo("mcp-auth", "0.1.0", List.of("2025-11-25", "2025-06-18"),
            "JWT verified with keys from https://issuer.example.com/jwks", "https://mcp.example.com/mcp", "21.0.5");

    @TempDir
    Path root;
    ToolCatalog catalog = new ToolCatalog();
    Policy policy = Policy.of(BuiltinTools.defaultPolicy().with(Map.of("upstream__*", Set.of("upstream:use"))));
    MutableClock clock = new MutableClock(NOW);
    ServerTools server;

    @BeforeEach
    void fillCatalog() {
        server = new ServerTools(INFO, catalog, policy, () -> METADATA, clock);
        catalog.replaceSource(BuiltinTools.SOURCE, List.of(new FileTools(root).listFiles(), new MathTools().addNumbers(),
                server.listToolScopes(), server.healthCheck()));
        McpSchema.Tool upstream = McpSchema.Tool.builder().name("upstream__search").inputSchema(Map.of("type", "object")).build();
        catalog.replaceSource("upstream", List.of(new CatalogTool(upstream, call -> CallToolResult.builder().build())));
    }

    @Test
    void listToolScopesShowsEveryToolWithWhatItNeedsAndWhetherTheCallerMayCallIt() throws Exception {
        CatalogTool tool = server.listToolScopes();

        Map<String, Object> listing = success(tool, tool.handler().call(new ToolCall(token("read:files"), tool.name(), Map.of())));

        assertThat(listing).containsEntry("caller_scopes", List.of("read:files"));
        List<Map<String, Object>> tools = entries(listing.get("tools"));
        assertThat(tools).extracting(t -> t.get("name"))
                .containsExactly("add_numbers", "health_check", "list_files", "list_tool_scopes", "upstream__search");
        assertThat(byName(tools, "list_files")).containsEntry("allowed", true).containsEntry("required_scopes", List.of("read:files"))
                .containsEntry("missing_scopes", List.of()).containsEntry("title", "List files");
        assertThat(byName(tools, "add_numbers")).containsEntry("allowed", false).containsEntry("missing_scopes", List.of("math:calculate"));
        assertThat(byName(tools, "upstream__search")).containsEntry("allowed", false).containsEntry("required_scopes", List.of("upstream:use"))
                .containsEntry("title", null);
        assertThat(byName(tools, "health_check")).containsEntry("allowed", true).containsEntry("required_scopes", List.of());
    }

    @Test
    void getOauthMetadataReturnsTheSuppliedDocument() throws Exception {
        CatalogTool tool = server.getOauthMetadata();

        assertThat(success(tool, call(tool, Map.of()))).isEqualTo(METADATA);
    }

    @Test
    void getServerInfoDescribesTheServer() throws Exception {
        CatalogTool tool = server.getServerInfo();

        assertThat(success(tool, call(tool, Map.of()))).containsEntry("name", "mcp-auth").containsEntry("version", "0.1.0")
                .containsEntry("protocol_versions", List.of("2025-11-25", "2025-06-18"))
                .containsEntry("auth_mode", "JWT verified with keys from https://issuer.example.com/jwks")
                .containsEntry("mcp_endpoint", "https://mcp.example.com/mcp").containsEntry("java_version", "21.0.5");
    }

    @Test
    void serverInfoOfTakesTheRunningJavaVersion() {
        assertThat(ServerInfo.of("n", "v", List.of(), "none", "http://127.0.0.1/mcp").javaVersion()).isEqualTo(Runtime.version().toString());
    }

    @Test
    void healthCheckReportsUptimeAndTheLiveToolCount() throws Exception {
        CatalogTool tool = server.healthCheck();
        clock.advance(Duration.ofMinutes(61).plusSeconds(5));

        Map<String, Object> health = success(tool, call(tool, Map.of()));

        assertThat(health).containsEntry("status", "ok").containsEntry("uptime", "PT1H1M5S").containsEntry("uptime_seconds", 3665L)
                .containsEntry("tool_count", 5);
        catalog.replaceSource("upstream", List.of());
        assertThat(success(tool, call(tool, Map.of()))).containsEntry("tool_count", 4);
    }

    @Test
    void serverToolsTakeNoArguments() throws Exception {
        assertThat(error(call(server.healthCheck(), Map.of("verbose", true)))).contains("unknown argument verbose");
    }

    private static List<Map<String, Object>> entries(Object value) {
        return ((List<?>) value).stream().map(ToolTesting::map).toList();
    }

    private static Map<String, Object> byName(List<Map<String, Object>> tools, String name) {
        return map(tools.stream().filter(t -> name.equals(t.get("name"))).findFirst().orElseThrow());
    }
}
