package dev.mcpauth.tools;

import static dev.mcpauth.tools.ToolTesting.NOW;
import static dev.mcpauth.tools.ToolTesting.error;
import static dev.mcpauth.tools.ToolTesting.success;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.mcp.CatalogTool;
import dev.mcpauth.mcp.ToolCall;
import dev.mcpauth.token.AccessToken;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UserToolsTest {

    private final CatalogTool getUserInfo = new UserTools(Clock.fixed(NOW, ZoneOffset.UTC)).getUserInfo();

    @Test
    void reflectsTheCallersVerifiedToken() throws Exception {
        AccessToken token = new AccessToken("alice", "cli-client", Set.of("read:user", "math:calculate"),
                List.of("https://mcp.example.com/mcp"), "https://issuer.example.com", NOW.plusSeconds(90), Map.of());

        Map<String, Object> info = success(getUserInfo, getUserInfo.handler().call(new ToolCall(token, "get_user_info", Map.of())));

        assertThat(info).containsEntry("subject", "alice").containsEntry("client_id", "cli-client")
                .containsEntry("scopes", List.of("math:calculate", "read:user"))
                .containsEntry("audience", List.of("https://mcp.example.com/mcp"))
                .containsEntry("issuer", "https://issuer.example.com")
                .containsEntry("expires_at", "2026-11-20T10:01:30Z").containsEntry("expires_in", 90L);
    }

    @Test
    void clientCredentialsTokenWithoutSubjectReportsNullSubject() throws Exception {
        AccessToken token = new AccessToken(null, "service", Set.of(), List.of(), "https://issuer.example.com", NOW.minusSeconds(5), Map.of());

        Map<String, Object> info = success(getUserInfo, getUserInfo.handler().call(new ToolCall(token, "get_user_info", Map.of())));

        assertThat(info).containsEntry("subject", null).containsEntry("client_id", "service").containsEntry("scopes", List.of())
                .containsEntry("expires_in", 0L);
    }

    @Test
    void unexpectedArgumentIsRefused() throws Exception {
        assertThat(error(ToolTesting.call(getUserInfo, Map.of("user", "bob")))).contains("unknown argument user").contains("takes no arguments");
    }
}
