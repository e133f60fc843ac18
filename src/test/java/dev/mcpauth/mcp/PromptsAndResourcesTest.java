package dev.mcpauth.mcp;

import static dev.mcpauth.mcp.TestFixtures.ALICE;
import static dev.mcpauth.mcp.TestFixtures.ROOT;
import static dev.mcpauth.mcp.TestFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.token.AccessToken;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Catalog prompts and resources: first source keeps a name or URI, template routing, and the stdio front's scope filtering. */
class PromptsAndResourcesTest {


    private static CatalogPrompt prompt(String name, String says) {
        return new CatalogPrompt(new McpSchema.Prompt(name, "prompt " + name, List.of()),
                args -> new McpSchema.GetPromptResult(null, List.of(new McpSchema.PromptMessage(McpSchema.Role.USER, new McpSchema.TextContent(says)))));
    }

    private static ResourceReader says(String prefix) {
        return uri -> new McpSchema.ReadResourceResult(List.of(new McpSchema.TextResourceContents(uri, "text/plain", prefix + " " + uri)));
    }

    private static CatalogResource resource(String uri, String policyName, String source) {
        return new CatalogResource(McpSchema.Resource.builder().uri(uri).name(uri).build(), policyName, says(source));
    }

    private static CatalogResourceTemplate template(String uriTemplate, String source) {
        return new CatalogResourceTemplate(new McpSchema.ResourceTemplate(uriTemplate, "t", null, null, null), uri -> "notes", says(source));
    }

    /** Prompts hello (any token) and admin_report (scope admin); resources mem://public and mem://secret (admin); a notes template. */
    private static ToolCatalog catalog() {
        ToolCatalog catalog = TestFixtures.catalog();
        catalog.promptCatalog().replaceSource("mem", List.of(prompt("hello", "hi there"), prompt("admin_report", "the report")));
        catalog.resourceCatalog().replaceSource("mem", List.of(resource("mem://public", "mem://public", "mem"),
                resource("mem://secret", "admin_secret", "mem")), List.of(template("mem://notes/{id}", "mem")));
        return catalog;
    }

    @Test
    void aNameOrUriTwoSourcesOfferStaysWithTheFirstAndReadsOfUnlistedUrisFollowTemplates() throws Exception {
        ToolCatalog catalog = catalog();
        List<CatalogPrompt> shadowed = catalog.promptCatalog().replaceSource("late", List.of(prompt("hello", "impostor"), prompt("bye", "bye")));
        List<String> taken = catalog.resourceCatalog().replaceSource("late", List.of(resource("mem://public", "x", "late")),
                List.of(template("mem://notes/{id}", "late"), template("other://{path}", "late")));

        assertThat(shadowed).extracting(CatalogPrompt::name).containsExactly("hello");
        assertThat(taken).containsExactly("mem://public", "mem://notes/{id}");
        assertThat(catalog.promptCatalog().prompts()).extracting(CatalogPrompt::name).containsExactly("admin_report", "bye", "hello");
        assertThat(text(catalog.resourceCatalog().route("mem://public").orElseThrow().reader().read("mem://public"))).isEqualTo("mem mem://public");
        assertThat(text(catalog.resourceCatalog().route("mem://notes/7").orElseThrow().reader().read("mem://notes/7"))).isEqualTo("mem mem://notes/7");
        assertThat(catalog.resourceCatalog().route("other://a")).isPresent();
        assertThat(catalog.resourceCatalog().route("nowhere://x")).isEmpty();
        assertThat(catalog.resourceCatalog().policyName("mem://secret")).isEqualTo("admin_secret");

        catalog.resourceCatalog().replaceSource("mem", List.of(), List.of());
        assertThat(catalog.resourceCatalog().route("mem://public").orElseThrow().policyName()).as("the late source takes over once the first leaves").isEqualTo("x");
    }

    @Test
    void stdioListsOnlyWhatTheTokenPermitsAndRefusesReadsAndGetsBeyondIt() throws Exception {
        try (Stdio alice = new Stdio(catalog(), ALICE)) {
            JsonNode init = alice.exchange("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                    + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
            assertThat(init.at("/result/capabilities/prompts/listChanged").asBoolean()).isTrue();
            assertThat(init.at("/result/capabilities/resources/listChanged").asBoolean()).isTrue();
            write(alice.stdin, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");

            assertThat(alice.request(2, "prompts/list", "{}").at("/result/prompts").findValuesAsText("name")).containsExactly("hello");
            assertThat(alice.request(3, "resources/list", "{}").at("/result/resources").findValuesAsText("uri")).containsExactly("mem://public");
            assertThat(alice.request(4, "resources/templates/list", "{}").at("/result/resourceTemplates").findValuesAsText("uriTemplate"))
                    .containsExactly("mem://notes/{id}");
            assertThat(alice.request(5, "prompts/get", "{\"name\":\"hello\"}").at("/result/messages/0/content/text").asText()).isEqualTo("hi there");
            assertThat(alice.request(6, "resources/read", "{\"uri\":\"mem://notes/42\"}").at("/result/contents/0/text").asText())
                    .isEqualTo("mem mem://notes/42");

            JsonNode secret = alice.request(7, "resources/read", "{\"uri\":\"mem://secret\"}");
            assertThat(secret.at("/error/code").asInt()).isEqualTo(ToolInvoker.INSUFFICIENT_SCOPE);
            assertThat(secret.at("/error/data/required_scope").asText()).isEqualTo("admin");
            assertThat(alice.request(8, "prompts/get", "{\"name\":\"admin_report\"}").at("/error/code").asInt()).isEqualTo(ToolInvoker.INSUFFICIENT_SCOPE);
            JsonNode missing = alice.request(9, "resources/read", "{\"uri\":\"nowhere://x\"}");
            assertThat(missing.at("/error/code").asInt()).isEqualTo(-32002);
        }
        try (Stdio root = new Stdio(catalog(), ROOT)) {
            root.exchange("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                    + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
            write(root.stdin, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
            assertThat(root.request(2, "prompts/list", "{}").at("/result/prompts").findValuesAsText("name")).containsExactly("admin_report", "hello");
            assertThat(root.request(3, "resources/list", "{}").at("/result/resources").findValuesAsText("uri")).containsExactly("mem://public", "mem://secret");
            assertThat(root.request(4, "resources/read", "{\"uri\":\"mem://secret\"}").at("/result/contents/0/text").asText()).isEqualTo("mem mem://secret");
        }
    }

    private static String text(McpSchema.ReadResourceResult result) {
        return ((McpSchema.TextResourceContents) result.contents().get(0)).text();
    }

    /** A stdio front for one caller over pipes. */
    private static final class Stdio implements AutoCloseable {
        final PipedOutputStream stdin = new PipedOutputStream();
        final TestFixtures.LineSink stdout = new TestFixtures.LineSink();
        final Thread runner;

        Stdio(ToolCatalog catalog, AccessToken caller) throws Exception {
            PipedInputStream in = new PipedInputStream(stdin, 1 << 16);
            StdioFront front = new StdioFront(TestFixtures.factory(catalog), () -> caller, in, stdout);
            runner = Thread.ofPlatform().name("stdio-run").start(front::run);
        }

        JsonNode request(int id, String method, String params) throws Exception {
            return exchange("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}");
        }

        JsonNode exchange(String line) throws Exception {
            return TestFixtures.exchange(stdin, stdout, line);
        }

        @Override
        public void close() throws Exception {
            stdin.close();
            runner.join(10_000);
        }
    }
}
