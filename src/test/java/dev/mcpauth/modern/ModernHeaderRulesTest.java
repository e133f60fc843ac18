package dev.mcpauth.modern;

import static dev.mcpauth.modern.ModernRequests.bare;
import static dev.mcpauth.modern.ModernRequests.body;
import static dev.mcpauth.modern.ModernRequests.post;
import static dev.mcpauth.modern.ModernRequests.toolCall;
import static dev.mcpauth.support.TestGateway.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.mcp.CatalogTool;
import dev.mcpauth.support.TestGateway;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each header rule of MCP 2026-07-28 Streamable HTTP ("Server Validation"), broken one at a time: a missing or
 * different header is 400 with HeaderMismatch (-32020), checked after authentication and before the per-tool policy.
 */
class ModernHeaderRulesTest {

    @TempDir
    static Path root;
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.sharedSecret(root, false);
        // A tool that asks clients to mirror two arguments into Mcp-Param-* headers (x-mcp-header), one nested.
        McpSchema.Tool routed = McpSchema.Tool.builder().name("route_query").description("echoes where a query ran")
                .inputSchema(new McpSchema.JsonSchema("object", Map.of(
                        "region", Map.of("type", "string", "x-mcp-header", "Region"),
                        "options", Map.of("type", "object", "properties", Map.of("shard", Map.of("type", "integer", "x-mcp-header", "Shard"))),
                        "query", Map.of("type", "string")), List.of("region"), null, null, null))
                .build();
        gw.server.catalog().replaceSource("header-test", List.of(new CatalogTool(routed,
                call -> McpSchema.CallToolResult.builder().addTextContent("ran in " + call.arguments().get("region")).build())));
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    private static HttpResponse<String> expectMismatch(HttpRequest.Builder request, String detail) throws Exception {
        HttpResponse<String> res = gw.send(request);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(400);
        assertThat(json(res.body()).at("/error/code").asInt()).isEqualTo(-32020);
        assertThat(json(res.body()).at("/error/message").asText()).startsWith("Header mismatch").contains(detail);
        return res;
    }

    @Test
    void authenticationComesBeforeAnyHeaderRule() throws Exception {
        HttpResponse<String> res = gw.send(bare(gw, null, toolCall(1, "list_files", "{}")));

        assertThat(res.statusCode()).isEqualTo(401);
        assertThat(res.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("resource_metadata=");
        assertThat(res.body()).doesNotContain("list_files");
    }

    @Test
    void missingProtocolVersionHeaderIsAHeaderMismatch() throws Exception {
        expectMismatch(bare(gw, gw.token(), body(1, "tools/list", "")).header("Mcp-Method", "tools/list"), "MCP-Protocol-Version");
    }

    @Test
    void protocolVersionHeaderDifferentFromMetaIsAHeaderMismatch() throws Exception {
        expectMismatch(bare(gw, gw.token(), body(1, "tools/list", "")).header("MCP-Protocol-Version", "2025-11-25")
                .header("Mcp-Method", "tools/list"), "does not match params._meta");
    }

    @Test
    void missingMcpMethodHeaderIsAHeaderMismatch() throws Exception {
        expectMismatch(bare(gw, gw.token(), body(1, "tools/list", "")).header("MCP-Protocol-Version", "2026-07-28"), "Mcp-Method");
    }

    @Test
    void mcpMethodDifferentFromTheBodyIsAHeaderMismatch() throws Exception {
        HttpResponse<String> res = expectMismatch(post(gw, gw.token(), "tools/list", "list_files", toolCall(9, "list_files", "{}")),
                "'tools/list' does not match body method 'tools/call'");
        assertThat(json(res.body()).get("id").asInt()).isEqualTo(9);
    }

    @Test
    void missingMcpNameOnToolsCallIsAHeaderMismatch() throws Exception {
        expectMismatch(post(gw, gw.token(), "tools/call", null, toolCall(1, "list_files", "{}")), "Mcp-Name header is required");
    }

    @Test
    void mcpNameDifferentFromTheBodyIsAHeaderMismatch() throws Exception {
        expectMismatch(post(gw, gw.token("read:files"), "tools/call", "get_server_info", toolCall(1, "list_files", "{\"path\":\".\"}")),
                "Mcp-Name");
    }

    @Test
    void headerMismatchIsAnsweredBeforeThePolicyCanSay403() throws Exception {
        // execute_command needs a scope the token lacks; the mismatch is still what the caller hears.
        expectMismatch(post(gw, gw.token(), "tools/call", "health_check", toolCall(1, "execute_command", "{}")), "Mcp-Name");
    }

    @Test
    void base64SentinelMcpNameIsDecodedBeforeComparison() throws Exception {
        String encoded = "=?base64?" + Base64.getEncoder().encodeToString("health_check".getBytes(StandardCharsets.UTF_8)) + "?=";
        HttpResponse<String> res = gw.send(post(gw, gw.token(), "tools/call", encoded, toolCall(1, "health_check", "{}")));

        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(json(res.body()).at("/result/resultType").asText()).isEqualTo("complete");
    }

    @Test
    void malformedBase64McpNameIsAHeaderMismatch() throws Exception {
        expectMismatch(post(gw, gw.token(), "tools/call", "=?base64?***?=", toolCall(1, "health_check", "{}")), "Base64");
    }

    @Test
    void declaredParamHeadersMustMatchTheArguments() throws Exception {
        String args = "{\"region\":\"eu-west1\",\"options\":{\"shard\":42},\"query\":\"q\"}";
        HttpRequest.Builder good = post(gw, gw.token(), "tools/call", "route_query", toolCall(1, "route_query", args))
                .header("Mcp-Param-Region", "eu-west1").header("Mcp-Param-Shard", "42.0");
        HttpResponse<String> ok = gw.send(good);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(json(ok.body()).at("/result/content/0/text").asText()).isEqualTo("ran in eu-west1");

        expectMismatch(post(gw, gw.token(), "tools/call", "route_query", toolCall(2, "route_query", args))
                .header("Mcp-Param-Shard", "42"), "Mcp-Param-Region header is required");
        expectMismatch(post(gw, gw.token(), "tools/call", "route_query", toolCall(3, "route_query", args))
                .header("Mcp-Param-Region", "us-east1").header("Mcp-Param-Shard", "42"), "Mcp-Param-Region header value does not match");
        expectMismatch(post(gw, gw.token(), "tools/call", "route_query", toolCall(4, "route_query", args))
                .header("Mcp-Param-Region", "eu-west1").header("Mcp-Param-Shard", "41"), "options.shard");
        expectMismatch(post(gw, gw.token(), "tools/call", "route_query", toolCall(5, "route_query", "{\"region\":\"eu-west1\"}"))
                .header("Mcp-Param-Region", "eu-west1").header("Mcp-Param-Shard", "1"), "is not in the body");
    }

    @Test
    void paramHeaderValuesAreBase64DecodedBeforeComparison() throws Exception {
        String region = "région ünïcode";
        String encoded = "=?base64?" + Base64.getEncoder().encodeToString(region.getBytes(StandardCharsets.UTF_8)) + "?=";
        HttpResponse<String> res = gw.send(post(gw, gw.token(), "tools/call", "route_query",
                toolCall(1, "route_query", "{\"region\":\"" + region + "\"}")).header("Mcp-Param-Region", encoded));

        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(json(res.body()).at("/result/content/0/text").asText()).isEqualTo("ran in " + region);
    }
}
