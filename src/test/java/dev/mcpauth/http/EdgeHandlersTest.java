package dev.mcpauth.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Health, the access log and CORS: the small public edge handlers. */
class EdgeHandlersTest {

    @Test
    void healthIsPublicJsonWithStatusAndExtras() throws Exception {
        try (TestHttp http = new TestHttp(new HealthHandler(() -> Map.of("version", "0.1.0", "tools", 3)))) {
            HttpResponse<String> response = http.send(http.request("/health").GET());

            assertThat(response.statusCode()).isEqualTo(200);
            var body = TestHttp.json(response);
            assertThat(body.path("status").asText()).isEqualTo("ok");
            assertThat(body.path("version").asText()).isEqualTo("0.1.0");
            assertThat(body.path("tools").asInt()).isEqualTo(3);
            assertThat(body.fieldNames().next()).isEqualTo("status");
        }
    }

    @Test
    void accessLogWritesOneLineWithoutQueryOrHeaders() throws Exception {
        try (LogCapture access = new LogCapture(AccessLog.LOGGER_NAME);
             TestHttp http = new TestHttp(new AccessLog(exchange -> JsonErrors.send(exchange, 401, "unauthorized", "no")))) {
            http.send(http.request("/mcp?access_token=secret-value").header("Authorization", "Bearer header-secret").GET());

            assertThat(access.awaitLines(1)).singleElement().satisfies(line -> {
                assertThat(line).matches("INFO GET /mcp 401 \\d+ms 127\\.0\\.0\\.1");
                assertThat(line).doesNotContain("secret");
            });
        }
    }

    @Test
    void corsPreflightFromAllowedOriginIsAnsweredWithoutReachingAuth() throws Exception {
        AllowedOrigins allowed = AllowedOrigins.of(AllowedOrigins.LOOPBACK);
        try (TestHttp http = new TestHttp(new CorsHandler(allowed, exchange -> JsonErrors.send(exchange, 401, "unauthorized", "no")))) {
            HttpResponse<String> response = http.send(http.request("/mcp")
                    .header("Origin", "http://localhost:6274")
                    .header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "authorization, content-type, mcp-protocol-version")
                    .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody()));

            assertThat(response.statusCode()).isEqualTo(204);
            assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://localhost:6274");
            assertThat(response.headers().firstValue("Access-Control-Allow-Methods")).hasValue("GET, POST, DELETE, OPTIONS");
            assertThat(response.headers().firstValue("Access-Control-Allow-Headers").orElseThrow())
                    .contains("Authorization", "Content-Type", "Mcp-Session-Id", "MCP-Protocol-Version", "Last-Event-ID",
                            "Mcp-Method", "Mcp-Name");
            assertThat(response.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
        }
    }

    @Test
    void corsExposesChallengeAndSessionHeadersToAllowedOriginsOnly() throws Exception {
        AllowedOrigins allowed = AllowedOrigins.defaults(URI.create("https://mcp.example.com/mcp"), false);
        try (TestHttp http = new TestHttp(new CorsHandler(allowed, exchange -> JsonErrors.send(exchange, 401, "unauthorized", "no")))) {
            HttpResponse<String> ok = http.send(http.request("/mcp").header("Origin", "https://mcp.example.com").GET());
            HttpResponse<String> other = http.send(http.request("/mcp").header("Origin", "https://other.example").GET());

            assertThat(ok.statusCode()).isEqualTo(401);
            assertThat(ok.headers().firstValue("Access-Control-Expose-Headers").orElseThrow())
                    .contains("WWW-Authenticate", "Mcp-Session-Id");
            assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        }
    }
}
