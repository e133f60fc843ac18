package dev.mcpauth.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.support.TestGateway;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each client session is served by an upstream connection of its own (for a stdio upstream, a child of its own),
 * started with that client's capabilities, so nothing an upstream says for one session can reach another; the
 * connection ends with the session. Callers without a session share the connection that feeds the catalog.
 */
class BoundUpstreamSessionsTest {

    @TempDir
    Path root;

    @Test
    void twoSessionsGetTwoChildrenAndDeletingASessionEndsItsChild() throws Exception {
        try (TestGateway gw = TestGateway.start(UpstreamGateways.tiny(root, false))) {
            String token = gw.token("tiny:use");
            awaitUpstream(gw, token);
            String alice = gw.initialize(token);
            String bob = gw.initialize(token);

            long alicePid = pid(gw, token, alice);
            long bobPid = pid(gw, token, bob);

            assertThat(alicePid).isNotEqualTo(bobPid);
            assertThat(pid(gw, token, alice)).as("a session keeps its connection").isEqualTo(alicePid);
            assertThat(ProcessHandle.of(alicePid).map(ProcessHandle::isAlive)).contains(true);

            HttpResponse<String> deleted = gw.send(HttpRequest.newBuilder(URI.create(gw.mcpUrl())).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + token).header("Mcp-Session-Id", alice).header("MCP-Protocol-Version", "2025-11-25")
                    .DELETE());
            assertThat(deleted.statusCode()).isEqualTo(204);
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (ProcessHandle.of(alicePid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(ProcessHandle.of(alicePid).map(ProcessHandle::isAlive).orElse(false)).as("the ended session's child is gone").isFalse();
            assertThat(ProcessHandle.of(bobPid).map(ProcessHandle::isAlive)).as("the other session's child runs on").contains(true);

            // When a session's child dies during a call, the call fails at once (not at its timeout) and the next call
            // of that session gets a new child.
            long before = System.nanoTime();
            HttpResponse<String> crashed = gw.send(gw.post(token, TestGateway.toolCall(8, "tiny__crash", "{\"code\":3}")).header("Mcp-Session-Id", bob));
            assertThat(crashed.statusCode()).isEqualTo(200);
            assertThat(crashed.body()).contains("exited");
            assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(10));
            assertThat(pid(gw, token, bob)).as("a new child for the session").isNotEqualTo(bobPid);
        }
    }

    private static void awaitUpstream(TestGateway gw, String token) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String session = gw.initialize(token);
        while (System.nanoTime() < deadline) {
            HttpResponse<String> res = gw.send(gw.post(token, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").header("Mcp-Session-Id", session));
            if (res.body().contains("tiny__pid")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the tiny upstream never came up");
    }

    private static long pid(TestGateway gw, String token, String session) throws Exception {
        HttpResponse<String> res = gw.send(gw.post(token, TestGateway.toolCall(7, "tiny__pid", "{}")).header("Mcp-Session-Id", session));
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        String text = TestGateway.message(res).at("/result/content/0/text").asText();
        assertThat(text).as(res.body()).matches("[0-9]+");
        return Long.parseLong(text);
    }
}
