package dev.mcpauth.tools;

import static dev.mcpauth.tools.ToolTesting.call;
import static dev.mcpauth.tools.ToolTesting.success;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.mcp.CatalogTool;
import dev.mcpauth.mcp.ToolCatalog;
import dev.mcpauth.policy.Policy;
import dev.mcpauth.policy.ScopePolicy;
import io.modelcontextprotocol.json.schema.jackson2.DefaultJsonSchemaValidator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuiltinToolsTest {

    @TempDir
    Path root;

    private final ServerInfo info = ServerInfo.of("mcp-auth", "0.1.0", List.of("2025-11-25"), "none", "http://127.0.0.1:8080/mcp");

    @Test
    void createsEveryBuiltinToolWithAScopeRuleForEach() {
        List<CatalogTool> tools = create(BuiltinToolsConfig.defaults(root), new ToolCatalog());

        assertThat(tools).extracting(CatalogTool::name).containsExactlyInAnyOrderElementsOf(BuiltinTools.DEFAULT_SCOPES.keySet());
        assertThat(tools).hasSize(9);
    }

    @Test
    void defaultScopesAreThoseDocumented() {
        assertThat(BuiltinTools.DEFAULT_SCOPES)
                .containsEntry("list_files", Set.of("read:files"))
                .containsEntry("execute_command", Set.of("execute:commands"))
                .containsEntry("get_user_info", Set.of("read:user"))
                .containsEntry("add_numbers", Set.of("math:calculate"))
                .containsEntry("multiply_numbers", Set.of("math:calculate"))
                .containsEntry("get_server_info", Set.of()).containsEntry("health_check", Set.of())
                .containsEntry("get_oauth_metadata", Set.of()).containsEntry("list_tool_scopes", Set.of());
    }

    @Test
    void defaultPolicyRequiresTheDefaultScopes() {
        ScopePolicy policy = BuiltinTools.defaultPolicy();

        assertThat(policy.permits("execute_command", Set.of("read:files"))).isFalse();
        assertThat(policy.permits("execute_command", Set.of("execute:commands"))).isTrue();
        assertThat(policy.permits("health_check", Set.of())).isTrue();
        assertThat(policy.requiredScopes("multiply_numbers")).containsExactly("math:calculate");
    }

    @Test
    void emptyAllowlistLeavesExecuteCommandOut() {
        var config = new BuiltinToolsConfig(root, CommandAllowlist.none(), Duration.ofSeconds(5), 1024);

        assertThat(create(config, new ToolCatalog())).extracting(CatalogTool::name).doesNotContain("execute_command").hasSize(8);
    }

    @Test
    void everyToolDeclaresValidInputAndOutputSchemas() {
        var validator = new DefaultJsonSchemaValidator();

        for (CatalogTool tool : create(BuiltinToolsConfig.defaults(root), new ToolCatalog())) {
            assertThat(tool.tool().title()).as("title of %s", tool.name()).isNotBlank();
            assertThat(tool.tool().inputSchema()).as("input schema of %s", tool.name()).containsEntry("type", "object");
            assertThat(validator.validateSchema(tool.tool().inputSchema()).valid()).as("input schema of %s", tool.name()).isTrue();
            assertThat(validator.validateSchema(tool.tool().outputSchema()).valid()).as("output schema of %s", tool.name()).isTrue();
        }
    }

    @Test
    void registeredToolsWorkTogetherThroughTheCatalog() throws Exception {
        ToolCatalog catalog = new ToolCatalog();
        catalog.replaceSource(BuiltinTools.SOURCE, create(BuiltinToolsConfig.defaults(root), catalog));
        CatalogTool health = catalog.find("health_check").orElseThrow();
        CatalogTool echo = catalog.find("execute_command").orElseThrow();

        assertThat(success(health, call(health, Map.of()))).containsEntry("tool_count", 9);
        assertThat(success(echo, call(echo, Map.of("command", "echo", "args", List.of("hi"))))).containsEntry("stdout", "hi\n");
    }

    private List<CatalogTool> create(BuiltinToolsConfig config, ToolCatalog catalog) {
        return BuiltinTools.create(config, catalog, Policy.of(BuiltinTools.defaultPolicy()), info,
                () -> Map.of("resource", "http://127.0.0.1:8080/mcp"));
    }
}
