package dev.mcpauth.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Arguments and structured results checked against the tools' own schemas, whatever dialect they name. */
class ToolSchemasTest {

    private final ToolSchemas schemas = new ToolSchemas();

    private static McpSchema.Tool tool(String name, String inputSchemaJson) {
        return McpSchema.Tool.builder().name(name).inputSchema(new JacksonMcpJsonMapper(new ObjectMapper()), inputSchemaJson).build();
    }

    private static final String NUMBERS = """
            {"type":"object","properties":{"a":{"type":"number"},"b":{"type":"number"}},"required":["a","b"]}""";

    @Test
    void conformingArgumentsPassAndEachViolationIsNamedWithTheTool() {
        McpSchema.Tool add = tool("add", NUMBERS);

        assertThat(schemas.checkArguments(add, Map.of("a", 1, "b", 2.5))).isNull();
        String wrongType = schemas.checkArguments(add, Map.of("a", "two", "b", 2));
        assertThat(wrongType).startsWith("Invalid arguments for tool 'add': ").contains("/a").contains("string");
        assertThat(schemas.checkArguments(add, Map.of("a", 1))).contains("b");
        assertThat(schemas.checkArguments(add, null)).contains("a").contains("b");
    }

    @Test
    void aSchemaNamingDraft07IsCheckedByThatDialect() {
        McpSchema.Tool echo = tool("echo", """
                {"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
                 "properties":{"message":{"type":"string"}},"required":["message"]}""");

        assertThat(schemas.checkArguments(echo, Map.of("message", "hi"))).isNull();
        assertThat(schemas.checkArguments(echo, Map.of("message", 42))).contains("/message");
    }

    @Test
    void aRemoteReferenceIsNeverFetchedAndLeavesTheToolUnchecked() throws Exception {
        AtomicInteger fetched = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            fetched.incrementAndGet();
            byte[] body = "{\"type\":\"string\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            McpSchema.Tool forged = tool("forged", """
                    {"type":"object","properties":{"x":{"$ref":"http://127.0.0.1:%d/internal.json"}}}"""
                    .formatted(server.getAddress().getPort()));

            assertThat(schemas.checkArguments(forged, Map.of("x", 1))).isNull();
            assertThat(schemas.checkArguments(forged, Map.of("x", 2))).isNull();
            assertThat(fetched).hasValue(0);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void structuredResultsAreCheckedAgainstTheOutputSchemaForTheSdk() throws Exception {
        Map<String, Object> outputSchema = new ObjectMapper().readValue("""
                {"type":"object","properties":{"result":{"type":"number"}},"required":["result"]}""", Map.class);

        var valid = schemas.validate(outputSchema, Map.of("result", 5));
        var invalid = schemas.validate(outputSchema, Map.of("result", List.of()));

        assertThat(valid.valid()).isTrue();
        assertThat(valid.jsonStructuredOutput()).isEqualTo("{\"result\":5}");
        assertThat(invalid.valid()).isFalse();
        assertThat(invalid.errorMessage()).contains("outputSchema").contains("/result");
    }
}
