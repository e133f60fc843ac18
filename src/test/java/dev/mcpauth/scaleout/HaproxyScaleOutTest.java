package dev.mcpauth.scaleout;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.support.Haproxy;
import dev.mcpauth.support.NodeClients;
import dev.mcpauth.support.ServeProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code serve} replicas behind HAProxy running {@code docs/haproxy.cfg}, all on loopback: per-request traffic
 * (2026-07-28, --stateless) is balanced round-robin, legacy sessions stay on the replica that created them, the
 * official TypeScript SDK clients of both eras work through the proxy, and restarting a replica fails no call.
 */
class HaproxyScaleOutTest {

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void legacySessionsStayOnTheirReplicaModernCallsAreBalancedAndTheTypeScriptClientsOfBothErasWorkThroughTheProxy() throws Exception {
        int front = ServeProcess.freePort();
        int p1 = ServeProcess.freePort();
        int p2 = ServeProcess.freePort();
        String publicUrl = "http://127.0.0.1:" + front;
        try (ServeProcess r1 = ServeProcess.start(dir, "--port", "" + p1, "--public-url", publicUrl);
                ServeProcess r2 = ServeProcess.start(dir, "--port", "" + p2, "--public-url", publicUrl);
                Haproxy proxy = Haproxy.start(dir, front, p1, p2)) {
            String url = proxy.url("/mcp");
            String token = ServeProcess.token(url, "math:calculate");

            for (int i = 0; i < 20; i++) {
                HttpResponse<String> res = http.send(ServeProcess.toolCall(url, token, "get_server_info", "{}"), HttpResponse.BodyHandlers.ofString());
                assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            }
            assertThat(mcpRequests(r1)).as("round-robin: replica 1 served 2026-07-28 calls").isGreaterThanOrEqualTo(5);
            assertThat(mcpRequests(r2)).as("round-robin: replica 2 served 2026-07-28 calls").isGreaterThanOrEqualTo(5);

            String session = initialize(url, token);
            for (int i = 0; i < 10; i++) {
                HttpResponse<String> res = http.send(legacyCall(url, token, session), HttpResponse.BodyHandlers.ofString());
                assertThat(res.statusCode()).as("call %d of the session reaches the replica that holds it: %s", i, res.body()).isEqualTo(200);
            }

            JsonNode legacy = NodeClients.run("token-client.mjs", url, token, "add_numbers", "{\"a\":20,\"b\":22}");
            assertThat(legacy.has("error")).as(legacy.toString()).isFalse();
            assertThat(legacy.get("sessionId").asText()).isNotBlank();
            assertThat(legacy.at("/call/content/0/text").asText()).contains("42");

            JsonNode modern = NodeClients.runIn(Path.of("src/test/interop-modern").toAbsolutePath(), "@modelcontextprotocol/client",
                    "modern-client.mjs", url, token, "add_numbers", "{\"a\":1,\"b\":2}", "list_files");
            assertThat(modern.has("error")).as(modern.toString()).isFalse();
            assertThat(modern.get("protocolVersion").asText()).isEqualTo("2026-07-28");
            assertThat(modern.at("/call/content/0/text").asText()).contains("3");
        }
    }

    @Test
    void restartingOneOfTwoStatelessReplicasUnderLoadFailsNoCall() throws Exception {
        int front = ServeProcess.freePort();
        int p1 = ServeProcess.freePort();
        int p2 = ServeProcess.freePort();
        String publicUrl = "http://127.0.0.1:" + front;
        String[] flags = {"--stateless", "--public-url", publicUrl, "--shutdown-timeout", "20s"};
        ServeProcess r1 = ServeProcess.start(dir, with(flags, "--port", "" + p1));
        ServeProcess restarted = null;
        try (ServeProcess r2 = ServeProcess.start(dir, with(flags, "--port", "" + p2));
                Haproxy proxy = Haproxy.start(dir, front, p1, p2)) {
            String url = proxy.url("/mcp");
            String token = ServeProcess.token(url, "math:calculate");
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger ok = new AtomicInteger();
            Queue<String> failures = new ConcurrentLinkedQueue<>();
            List<Thread> load = new ArrayList<>();
            for (int w = 0; w < 6; w++) {
                boolean modern = w % 2 == 0;
                load.add(Thread.ofVirtual().start(() -> {
                    while (running.get()) {
                        try {
                            HttpResponse<String> res = http.send(modern ? ServeProcess.toolCall(url, token, "add_numbers", "{\"a\":1,\"b\":1}")
                                    : legacyCall(url, token, null), HttpResponse.BodyHandlers.ofString());
                            if (res.statusCode() == 200 && res.body().contains("\"result\"") && !res.body().contains("\"isError\":true")) {
                                ok.incrementAndGet();
                            } else {
                                failures.add(res.statusCode() + " " + res.body());
                            }
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                    }
                }));
            }
            // Both replicas warm and in rotation first: the restart must take a replica out that was serving.
            awaitServed(r1, 100);
            awaitServed(r2, 100);
            int beforeRestart = ok.get();
            long stopStarted = System.nanoTime();
            int exit = r1.stop();
            long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopStarted);
            int servedByOld = mcpRequests(r1);
            restarted = ServeProcess.start(dir, with(flags, "--port", "" + p1));
            awaitServed(restarted, 100);
            running.set(false);
            for (Thread t : load) {
                t.join(30_000);
            }
            int servedByNew = mcpRequests(restarted);
            int servedBy2 = mcpRequests(r2);
            System.out.printf("HAProxy restart under load: %d calls ok, %d failed (%d before the restart); replica 1 served %d before SIGTERM "
                    + "(exit %d after %d ms), %d after its restart; replica 2 served %d%n",
                    ok.get(), failures.size(), beforeRestart, servedByOld, exit, stopMillis, servedByNew, servedBy2);
            assertThat(failures).as("failed calls; haproxy said:%n%s", proxy.log()).isEmpty();
            assertThat(exit).as("SIGTERM ends the JVM through its shutdown hook").isEqualTo(143);
            assertThat(servedByOld).isPositive();
            assertThat(servedByNew).as("the restarted replica is back in rotation").isGreaterThanOrEqualTo(100);
            assertThat(servedBy2).isPositive();
        } finally {
            r1.close();
            if (restarted != null) {
                restarted.close();
            }
        }
    }

    private static String[] with(String[] flags, String... more) {
        List<String> all = new ArrayList<>(List.of(flags));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private static void awaitServed(ServeProcess replica, int requests) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (mcpRequests(replica) < requests) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("a replica served only " + mcpRequests(replica) + " requests in 60 s");
            }
            Thread.sleep(100);
        }
    }

    /** Requests to /mcp in a replica's access log. */
    private static int mcpRequests(ServeProcess replica) throws Exception {
        return (int) replica.log().lines().filter(l -> l.contains(" POST /mcp ")).count();
    }

    private String initialize(String url, String token) throws Exception {
        HttpResponse<String> res = http.send(legacy(url, token, null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}"),
                HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        String session = res.headers().firstValue("Mcp-Session-Id").orElseThrow();
        http.send(legacy(url, token, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"), HttpResponse.BodyHandlers.ofString());
        return session;
    }

    private static HttpRequest legacyCall(String url, String token, String session) {
        return legacy(url, token, session, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"add_numbers\","
                + "\"arguments\":{\"a\":2,\"b\":2}}}");
    }

    private static HttpRequest legacy(String url, String token, String session, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + token).header("MCP-Protocol-Version", "2025-11-25")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return (session == null ? b : b.header("Mcp-Session-Id", session)).build();
    }
}
