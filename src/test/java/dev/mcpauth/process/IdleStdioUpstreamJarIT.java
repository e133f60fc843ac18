package dev.mcpauth.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mcpauth.support.JarProcess;
import dev.mcpauth.token.TokenMinter;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A gateway in front of a stdio upstream, run as users run it: started, used, left idle for more than a minute, used
 * again, then stopped with SIGTERM. At 3abf955 the two threads reading the child's stdout and stderr were virtual
 * threads pinned to both carriers of a 2-core machine; once the scheduler's spare threads expired (~40 s) no request
 * ran again and SIGTERM did not stop the process.
 */
class IdleStdioUpstreamJarIT {

    private static final String SECRET = "idle-upstream-secret-at-least-32-bytes";
    private static final Path EVERYTHING = Path.of("src/test/upstream-npm/node_modules/@modelcontextprotocol/server-everything/dist/index.js")
            .toAbsolutePath();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aStdioUpstreamGatewayAnswersAfterMoreThanAMinuteIdleAndStopsOnSigterm() throws Exception {
        assumeTrue(Files.isRegularFile(EVERYTHING), "server-everything is not installed: run 'npm ci' in src/test/upstream-npm");
        int port = freePort();
        String resource = "http://127.0.0.1:" + port + "/mcp";
        Path log = Files.createTempFile("idle-gateway", ".log");
        ProcessBuilder.Redirect toLog = ProcessBuilder.Redirect.to(log.toFile());
        Process gateway = JarProcess.start(Map.of(), "serve", "--port", String.valueOf(port), "--secret", SECRET, "--stateless",
                "--upstream", "everything=node " + EVERYTHING + " stdio");
        // The gateway's output goes to a file so that it can never block on a full pipe during the idle minute.
        gateway.getInputStream().close();
        Thread drain = Thread.ofPlatform().daemon().start(() -> copy(gateway, log));
        try {
            String token = TokenMinter.withSecret(SECRET.getBytes(StandardCharsets.UTF_8)).token()
                    .subject("idle").audience(resource).ttl(Duration.ofMinutes(10)).mint();
            awaitEcho(resource, token, Duration.ofSeconds(60), log);

            Thread.sleep(Duration.ofSeconds(70));

            HttpResponse<String> after = echo(resource, token);
            assertThat(after.statusCode()).as("answer after 70 s idle: " + after.body()).isEqualTo(200);
            assertThat(after.body()).contains("Echo: still here");

            long stop = System.nanoTime();
            gateway.destroy();
            assertThat(gateway.waitFor(10, TimeUnit.SECONDS)).as("SIGTERM stops the gateway within 10 s").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - stop)).isLessThan(Duration.ofSeconds(10));
        } finally {
            gateway.descendants().forEach(ProcessHandle::destroyForcibly);
            gateway.destroyForcibly();
            drain.join(2_000);
        }
    }

    private static void awaitEcho(String resource, String token, Duration limit, Path log) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = echo(resource, token);
                if (r.statusCode() == 200 && r.body().contains("Echo: still here")) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(300);
        }
        throw new AssertionError("the gateway never answered the upstream's echo: " + last + "\n" + Files.readString(log));
    }

    private static HttpResponse<String> echo(String resource, String token) throws Exception {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"everything__echo\",\"arguments\":{\"message\":\"still here\"}}}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(resource)).timeout(Duration.ofSeconds(15))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream").header("MCP-Protocol-Version", "2025-06-18")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void copy(Process p, Path log) {
        try (var err = p.getErrorStream(); var out = Files.newOutputStream(log)) {
            err.transferTo(out);
        } catch (IOException e) {
            // the process ended
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
