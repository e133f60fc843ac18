package dev.mcpauth.gateway;

import static dev.mcpauth.support.TestGateway.json;
import static dev.mcpauth.support.TestGateway.message;
import static dev.mcpauth.support.TestGateway.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.http.LogCapture;
import dev.mcpauth.resource.AuditLog;
import dev.mcpauth.support.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, items 1, 2 and 5, through a real gateway configured from {@code mcp-auth.yaml} ({@link PolicyGateways#YAML}),
 * with real HS256 tokens over real HTTP: scope implications, conditions on claims and arguments, per-caller limits.
 */
class PolicyRulesGatewayTest {

    @TempDir
    static Path root;
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start(PolicyGateways.config(root, PolicyGateways.YAML, "--stateless"));
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    private static String token(String subject, List<String> scopes) {
        return PolicyGateways.token(gw, subject, "client-" + subject, scopes, Map.of());
    }

    private static HttpResponse<String> call(String token, String tool, String arguments) throws Exception {
        return gw.send(gw.post(token, toolCall(7, tool, arguments)));
    }

    private static List<String> listedTools(String token) throws Exception {
        HttpResponse<String> res = gw.send(gw.post(token, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}"));
        assertThat(res.statusCode()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        message(res).path("result").path("tools").forEach(t -> names.add(t.path("name").asText()));
        return names;
    }

    @Test
    void aBroaderScopeCallsAndListsToolsThatNeedTheScopesItImplies() throws Exception {
        String writer = token("implies-writer", List.of("files:write"));
        HttpResponse<String> listFiles = call(writer, "list_files", "{}");
        assertThat(listFiles.statusCode()).isEqualTo(200);
        assertThat(message(listFiles).path("result").path("isError").asBoolean(false)).isFalse();
        assertThat(listedTools(writer)).contains("list_files").doesNotContain("add_numbers", "execute_command");

        // Transitively: admin → math:all → math:calculate.
        String admin = token("implies-admin", List.of("admin"));
        assertThat(message(call(admin, "multiply_numbers", "{\"a\":6,\"b\":7}")).path("result").path("structuredContent").path("result").asDouble())
                .isEqualTo(42.0);
        assertThat(listedTools(admin)).contains("list_files", "multiply_numbers", "add_numbers");
    }

    @Test
    void theInsufficientScopeChallengeNamesTheNarrowestScopesThatSuffice() throws Exception {
        HttpResponse<String> none = call(token("narrow-none", List.of()), "list_files", "{}");
        assertThat(none.statusCode()).isEqualTo(403);
        // read:files, not files:write or admin, which would also do.
        assertThat(none.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("error=\"insufficient_scope\"", "scope=\"read:files\"");

        // multiply_numbers needs math:calculate and math:all; math:all implies math:calculate, so asking for it suffices.
        HttpResponse<String> partial = call(token("narrow-partial", List.of("math:calculate")), "multiply_numbers", "{\"a\":1,\"b\":2}");
        assertThat(partial.statusCode()).isEqualTo(403);
        assertThat(partial.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("scope=\"math:all\"");
        assertThat(json(partial.body()).path("error").asText()).isEqualTo("insufficient_scope");
    }

    @Test
    void aFalseConditionOnArgumentsIs403WithTheRulesOwnMessageAndNoScopeHint() throws Exception {
        String calculator = token("condition-args", List.of("math:calculate"));
        HttpResponse<String> refused = call(calculator, "add_numbers", "{\"a\":500,\"b\":1}");

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("WWW-Authenticate")).isEmpty();
        JsonNode body = json(refused.body());
        assertThat(body.path("error").asText()).isEqualTo("access_denied");
        assertThat(body.path("error_description").asText()).isEqualTo("add_numbers only adds numbers below 100");
        assertThat(body.has("required_scope") || body.has("scope_upgrade_endpoint")).isFalse();

        HttpResponse<String> allowed = call(calculator, "add_numbers", "{\"a\":5,\"b\":1}");
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(message(allowed).path("result").path("structuredContent").path("result").asDouble()).isEqualTo(6.0);
        // A condition on arguments cannot hide a tool from a list: the arguments are not known there.
        assertThat(listedTools(calculator)).contains("add_numbers");
    }

    @Test
    void aClaimsOnlyConditionHidesTheToolFromListsAndRefusesItsCalls() throws Exception {
        String outsider = PolicyGateways.token(gw, "claims-outsider", "c", List.of(), Map.of("groups", List.of("sales")));
        String engineer = PolicyGateways.token(gw, "claims-engineer", "c", List.of(), Map.of("groups", List.of("ops", "eng")));

        assertThat(listedTools(outsider)).doesNotContain("get_server_info").contains("health_check");
        HttpResponse<String> refused = call(outsider, "get_server_info", "{}");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(json(refused.body()).path("error_description").asText()).isEqualTo("server information is for engineers");
        // A token without the claim at all is refused the same way (fail closed), not with an error.
        assertThat(call(token("claims-none", List.of()), "get_server_info", "{}").statusCode()).isEqualTo(403);

        assertThat(listedTools(engineer)).contains("get_server_info");
        assertThat(call(engineer, "get_server_info", "{}").statusCode()).isEqualTo(200);
    }

    @Test
    void aCallerOverItsRateLimitGets429WithRetryAfterAndTheAuditLineNamesTheLimit() throws Exception {
        String first = token("limited-one", List.of("math:calculate"));
        try (LogCapture audit = new LogCapture(AuditLog.LOGGER_NAME)) {
            // A refused call is not charged: the condition fails before the limit is consulted.
            assertThat(call(first, "add_numbers", "{\"a\":500,\"b\":1}").statusCode()).isEqualTo(403);
            assertThat(call(first, "add_numbers", "{\"a\":1,\"b\":1}").statusCode()).isEqualTo(200);
            assertThat(call(first, "add_numbers", "{\"a\":1,\"b\":2}").statusCode()).isEqualTo(200);
            HttpResponse<String> limited = call(first, "add_numbers", "{\"a\":1,\"b\":3}");

            assertThat(limited.statusCode()).isEqualTo(429);
            long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
            assertThat(retryAfter).isBetween(1L, 3600L);
            JsonNode body = json(limited.body());
            assertThat(body.path("error").asText()).isEqualTo("rate_limited");
            assertThat(body.path("limit").asText()).isEqualTo("add-per-hour");
            assertThat(body.path("retry_after").asLong()).isEqualTo(retryAfter);
            assertThat(body.path("error_description").asText()).contains("add-per-hour", "2 calls per 1h");
            assertThat(audit.awaitLines(4)).anyMatch(l -> l.contains("decision=deny") && l.contains("limit=add-per-hour")
                    && l.contains("subject=limited-one"));
        }
        // Per subject: another caller still has its own calls.
        assertThat(call(token("limited-two", List.of("math:calculate")), "add_numbers", "{\"a\":1,\"b\":1}").statusCode()).isEqualTo(200);
    }

    @Test
    void aCallBeyondTheConcurrentLimitIs429UntilTheRunningCallEnds() throws Exception {
        String commands = PolicyGateways.token(gw, "concurrent-user", "busy-client", List.of("execute:commands"), Map.of());
        CompletableFuture<HttpResponse<String>> running = gw.http.sendAsync(
                gw.post(commands, toolCall(1, "execute_command", "{\"command\":\"sleep\",\"args\":[\"1.5\"]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        Thread.sleep(500);

        HttpResponse<String> second = call(commands, "execute_command", "{\"command\":\"sleep\",\"args\":[\"0\"]}");
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(second.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(json(second.body()).path("limit").asText()).isEqualTo("one-command-at-a-time");

        assertThat(running.get().statusCode()).isEqualTo(200);
        Thread.sleep(100);
        assertThat(call(commands, "execute_command", "{\"command\":\"sleep\",\"args\":[\"0\"]}").statusCode()).isEqualTo(200);
    }
}
