package dev.mcpauth.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OriginCheckTest {

    private TestHttp http;

    @BeforeEach
    void start() {
        AllowedOrigins allowed = AllowedOrigins.defaults(URI.create("https://mcp.example.com/mcp"), true)
                .plus(List.of("https://inspector.example.org"));
        http = new TestHttp(new OriginCheck(allowed, TestHttp.echo()));
    }

    @AfterEach
    void stop() {
        http.close();
    }

    private HttpResponse<String> fromOrigin(String origin) throws Exception {
        return http.send(http.request("/mcp").header("Origin", origin).GET());
    }

    @Test
    void foreignOriginIsForbiddenWithJsonNamingIt() throws Exception {
        HttpResponse<String> response = fromOrigin("http://evil.example");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(TestHttp.json(response).path("error").asText()).isEqualTo("forbidden_origin");
        assertThat(TestHttp.json(response).path("error_description").asText()).contains("http://evil.example");
    }

    @Test
    void rebindingNameOnLoopbackPortIsForbidden() throws Exception {
        assertThat(fromOrigin("http://attacker.example:" + http.uri("/").getPort()).statusCode()).isEqualTo(403);
        assertThat(fromOrigin("null").statusCode()).isEqualTo(403);
    }

    @Test
    void ownOriginConfiguredOriginAndLoopbackOnAnyPortPass() throws Exception {
        for (String origin : List.of("https://mcp.example.com", "https://MCP.example.com:443", "https://inspector.example.org",
                "http://localhost:6274", "http://127.0.0.1:3000", "http://[::1]:8080")) {
            HttpResponse<String> response = fromOrigin(origin);
            assertThat(response.statusCode()).as(origin).isEqualTo(200);
            assertThat(TestHttp.json(response).path("reached").asBoolean()).isTrue();
        }
    }

    @Test
    void schemeAndPortMustMatchExactEntries() throws Exception {
        assertThat(fromOrigin("http://mcp.example.com").statusCode()).isEqualTo(403);
        assertThat(fromOrigin("https://mcp.example.com:8443").statusCode()).isEqualTo(403);
        assertThat(fromOrigin("https://localhost:6274").statusCode()).isEqualTo(403);
    }

    @Test
    void requestWithoutOriginPasses() throws Exception {
        assertThat(http.send(http.request("/mcp").GET()).statusCode()).isEqualTo(200);
    }

    @Test
    void loopbackOriginsAreNotAllowedByDefaultWhenNotBoundToLoopback() {
        AllowedOrigins remote = AllowedOrigins.defaults(URI.create("https://mcp.example.com/mcp"), false);

        assertThat(remote.allows("http://localhost:6274")).isFalse();
        assertThat(remote.allows("https://mcp.example.com")).isTrue();
    }

    @Test
    void malformedAllowedOriginIsRefusedWithItsName() {
        assertThatThrownBy(() -> AllowedOrigins.of(List.of("https://ok.example", "https://x.example/path")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https://x.example/path");
    }
}
