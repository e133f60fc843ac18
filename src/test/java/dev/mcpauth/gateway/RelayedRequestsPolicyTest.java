package dev.mcpauth.gateway;

import static dev.mcpauth.support.TestGateway.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.support.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The requests the relay answers itself name a prompt or a resource, so the policy guards them like the calls and
 * reads of the same entries; and what the relay accepts from a client (answers to its requests, cancellations) only
 * ever concerns that client's own session.
 */
class RelayedRequestsPolicyTest {

    @TempDir
    Path root;

    private String yaml() {
        return """
                policy:
                  tools:
                    "tiny__*": tiny:use
                    "tiny__audit": tiny:admin
                    "tiny__tiny://notes/secret": tiny:admin
                upstreams:
                  - name: tiny
                    command: %s
                """.formatted(UpstreamGateways.tinyCommandYaml());
    }

    @Test
    void completionAndSubscriptionsNeedTheScopesOfWhatTheyNameAndAnswersOnlyConcernTheirOwnSession() throws Exception {
        try (TestGateway gw = TestGateway.start(UpstreamGateways.config(root, yaml(), true, false))) {
            String token = gw.token("tiny:use");
            String session = gw.initialize(token);

            HttpResponse<String> completion = send(gw, token, session,
                    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"completion/complete\",\"params\":{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"tiny__audit\"},\"argument\":{\"name\":\"x\",\"value\":\"\"}}}");
            assertThat(completion.statusCode()).as(completion.body()).isEqualTo(403);
            assertThat(completion.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("insufficient_scope").contains("tiny:admin");
            assertThat(json(completion.body()).path("prompt").asText()).isEqualTo("tiny__audit");

            HttpResponse<String> subscribe = send(gw, token, session,
                    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"resources/subscribe\",\"params\":{\"uri\":\"tiny://notes/secret\"}}");
            assertThat(subscribe.statusCode()).as(subscribe.body()).isEqualTo(403);
            assertThat(json(subscribe.body()).path("resource").asText()).isEqualTo("tiny://notes/secret");

            HttpResponse<String> noRef = send(gw, token, session,
                    "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"completion/complete\",\"params\":{\"argument\":{\"name\":\"x\",\"value\":\"\"}}}");
            assertThat(noRef.statusCode()).as(noRef.body()).isEqualTo(400);
            assertThat(noRef.body()).contains("ref");

            // An answer to a request this session was never sent (another session's relay id, or a made-up one) is refused.
            HttpResponse<String> stray = send(gw, token, session, "{\"jsonrpc\":\"2.0\",\"id\":\"mcp-auth-relay-1\",\"result\":{}}");
            assertThat(stray.statusCode()).isEqualTo(400);
            // Cancelling a request that is not in flight is harmless.
            HttpResponse<String> cancel = send(gw, token, session,
                    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":99}}");
            assertThat(cancel.statusCode()).isEqualTo(202);
            HttpResponse<String> noParams = send(gw, token, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\"}");
            assertThat(noParams.statusCode()).isLessThan(500);
        }
    }

    private static HttpResponse<String> send(TestGateway gw, String token, String session, String body) throws Exception {
        return gw.send(gw.post(token, body).header("Mcp-Session-Id", session));
    }
}
