package dev.mcpauth.mcp;

import static dev.mcpauth.mcp.TestFixtures.ALICE;
import static dev.mcpauth.mcp.TestFixtures.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpauth.token.AccessToken;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The in-handler guard: the same decisions on every transport, including without HTTP in front. */
class ToolInvokerTest {

    private final ToolCatalog catalog = TestFixtures.catalog();
    private final ToolInvoker invoker = new ToolInvoker(catalog, TestFixtures.POLICY, null, Clock.systemUTC());

    {
        catalog.replaceSource("open", List.of(
                new CatalogTool(TestFixtures.tool("open_time"), c -> TestFixtures.text("noon")),
                new CatalogTool(TestFixtures.tool("open_null"), c -> null)));
    }

    @Test
    void callerWithoutTokenHoldsNoScopesSoOnlyUnguardedToolsAreVisibleAndCallable() {
        McpTransportContext anonymous = McpTransportContext.EMPTY;

        assertThat(invoker.visible(anonymous, TestFixtures.tool("open_time"))).isTrue();
        assertThat(invoker.visible(anonymous, TestFixtures.tool("echo"))).isFalse();
        assertThat(TestFixtures.firstText(invoker.call(anonymous, call("open_time", Map.of())))).isEqualTo("noon");
        assertThatThrownBy(() -> invoker.call(anonymous, call("echo", Map.of())))
                .isInstanceOfSatisfying(McpError.class, e -> {
                    assertThat(e.getJsonRpcError().code()).isEqualTo(ToolInvoker.INSUFFICIENT_SCOPE);
                    Map<?, ?> data = (Map<?, ?>) e.getJsonRpcError().data();
                    assertThat(data.get("token_scopes")).isEqualTo("");
                    assertThat(data.containsKey("scope_upgrade_endpoint")).isFalse();
                });
    }

    @Test
    void expiredTokenIsRefusedWithInvalidTokenAndSeesNoTools() {
        AccessToken token = TestFixtures.token("eve", Set.of("tools:read"), Instant.parse("2026-01-01T00:00:00Z"));
        ToolInvoker later = new ToolInvoker(catalog, TestFixtures.POLICY, null,
                Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC));
        McpTransportContext context = RequestContexts.forToken(token);

        assertThat(later.visible(context, TestFixtures.tool("echo"))).isFalse();
        assertThatThrownBy(() -> later.call(context, call("echo", Map.of())))
                .isInstanceOfSatisfying(McpError.class, e -> assertThat(e.getJsonRpcError().code()).isEqualTo(ToolInvoker.INVALID_TOKEN));
    }

    @Test
    void handlerReturningNothingBecomesAGenericErrorResult() {
        McpSchema.CallToolResult result = invoker.call(McpTransportContext.EMPTY, call("open_null", Map.of()));

        assertThat(result.isError()).isTrue();
    }

    private static McpSchema.Tool withOutputSchema(String name) {
        return McpSchema.Tool.builder(name, Map.of("type", "object"))
                .outputSchema(Map.of("type", "object", "properties", Map.of("result", Map.of("type", "number")), "required", List.of("result")))
                .build();
    }

    @Test
    void structuredResultsAreCheckedAgainstTheOutputSchemaOnEveryFront() {
        catalog.replaceSource("typed", List.of(
                new CatalogTool(withOutputSchema("open_good"), c -> McpSchema.CallToolResult.builder().structuredContent(Map.of("result", 5)).build()),
                new CatalogTool(withOutputSchema("open_bad"), c -> McpSchema.CallToolResult.builder()
                        .addTextContent("five").structuredContent(Map.of("result", "five")).build()),
                new CatalogTool(withOutputSchema("open_untyped"), c -> TestFixtures.text("no structure"))));

        McpSchema.CallToolResult good = invoker.call(McpTransportContext.EMPTY, call("open_good", Map.of()));
        McpSchema.CallToolResult bad = invoker.call(McpTransportContext.EMPTY, call("open_bad", Map.of()));
        McpSchema.CallToolResult untyped = invoker.call(McpTransportContext.EMPTY, call("open_untyped", Map.of()));

        assertThat(good.isError()).isNotEqualTo(Boolean.TRUE);
        assertThat(TestFixtures.firstText(good)).isEqualTo("{\"result\":5}");
        assertThat(bad.isError()).isTrue();
        assertThat(TestFixtures.firstText(bad)).contains("open_bad").contains("outputSchema").contains("/result");
        assertThat(bad.structuredContent()).isNull();
        assertThat(untyped.isError()).isTrue();
        assertThat(TestFixtures.firstText(untyped)).contains("no structuredContent");
    }

    @Test
    void unknownToolIsInvalidParams() {
        assertThatThrownBy(() -> invoker.call(RequestContexts.forToken(ALICE), call("open_gone", Map.of())))
                .isInstanceOfSatisfying(McpError.class,
                        e -> assertThat(e.getJsonRpcError().code()).isEqualTo(McpSchema.ErrorCodes.INVALID_PARAMS));
    }
}
