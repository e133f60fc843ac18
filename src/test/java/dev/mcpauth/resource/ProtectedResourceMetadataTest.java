package dev.mcpauth.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.http.TestHttp;
import io.undertow.Handlers;
import io.undertow.server.handlers.PathHandler;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProtectedResourceMetadataTest {

    private final ProtectedResourceMetadata metadata = new ProtectedResourceMetadata(
            URI.create("https://mcp.example.com/mcp"),
            List.of(URI.create("https://as.example.com"), URI.create("https://login.example.org/tenant1")),
            Set.of("tools:write", "mcp:basic"),
            "Example MCP gateway",
            URI.create("https://docs.example.com/mcp"));

    @Test
    void metadataUrlInsertsTheResourcePathAfterTheWellKnownPrefix() {
        assertThat(metadata.metadataUrl()).hasToString("https://mcp.example.com/.well-known/oauth-protected-resource/mcp");
        assertThat(metadata.paths()).containsExactly("/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource");
    }

    @Test
    void resourceAtTheRootIsServedAtTheBareWellKnownPath() {
        var root = new ProtectedResourceMetadata(URI.create("http://localhost:8080"), List.of(URI.create("http://localhost:8080")),
                Set.of(), null, null);

        assertThat(root.metadataUrl()).hasToString("http://localhost:8080/.well-known/oauth-protected-resource");
        assertThat(root.paths()).containsExactly("/.well-known/oauth-protected-resource");
        assertThat(root.toJson().has("scopes_supported")).isFalse();
        assertThat(root.toJson().has("resource_name")).isFalse();
    }

    @Test
    void metadataWithoutAuthorizationServerLeavesTheMemberOut() {
        // The shared-secret layout has no OAuth issuer; RFC 9728 section 2 makes authorization_servers optional.
        var noIssuer = new ProtectedResourceMetadata(URI.create("https://mcp.example.com/mcp"), List.of(), Set.of(), null, null);
        assertThat(noIssuer.toJson().has("authorization_servers")).isFalse();
        assertThat(noIssuer.toJson().get("resource").asText()).isEqualTo("https://mcp.example.com/mcp");
    }

    @Test
    void documentIsServedPubliclyAtBothWellKnownPathsWithExactFields() throws Exception {
        PathHandler routes = Handlers.path();
        var handler = new ProtectedResourceMetadataHandler(metadata);
        metadata.paths().forEach(p -> routes.addExactPath(p, handler));
        try (TestHttp http = new TestHttp(routes)) {
            for (String path : metadata.paths()) {
                HttpResponse<String> response = http.send(http.request(path).GET());

                assertThat(response.statusCode()).as(path).isEqualTo(200);
                assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
                assertThat(response.headers().firstValue("Cache-Control")).hasValue("public, max-age=3600");
                assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
                JsonNode doc = TestHttp.json(response);
                assertThat(doc.toString()).isEqualTo("{\"resource\":\"https://mcp.example.com/mcp\","
                        + "\"authorization_servers\":[\"https://as.example.com\",\"https://login.example.org/tenant1\"],"
                        + "\"scopes_supported\":[\"mcp:basic\",\"tools:write\"],"
                        + "\"bearer_methods_supported\":[\"header\"],"
                        + "\"resource_name\":\"Example MCP gateway\","
                        + "\"resource_documentation\":\"https://docs.example.com/mcp\"}");
            }
            HttpResponse<String> post = http.send(http.request(metadata.paths().get(0)).POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
            assertThat(post.statusCode()).isEqualTo(405);
        }
    }
}
