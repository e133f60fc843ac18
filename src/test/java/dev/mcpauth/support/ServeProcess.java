package dev.mcpauth.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.token.TokenMinter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code mcp-auth serve} as a real child process (the test classpath, no jar needed) with a shared secret, so that a
 * test can send it real signals (SIGTERM, SIGHUP). Its log goes to a file, read with {@link #log()}.
 */
public final class ServeProcess implements AutoCloseable {

    public static final String SECRET = "serve-process-secret-at-least-32-bytes-long";
    private static final Pattern BANNER = Pattern.compile("serving MCP at (http://[^ \\n]+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path log;
    private final String mcpUrl;
    public final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ServeProcess(Process process, Path log, String mcpUrl) {
        this.process = process;
        this.log = log;
        this.mcpUrl = mcpUrl;
    }

    /** {@code serve --secret ... args}, in {@code dir}; returns once the banner names its URL. */
    public static ServeProcess start(Path dir, String... args) throws Exception {
        Path log = Files.createTempFile(dir, "serve", ".log");
        List<String> cmd = new ArrayList<>(List.of(JarProcess.java(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "dev.mcpauth.cli.Main", "serve", "--secret", SECRET));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("MCP_AUTH_"));
        Process process = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Matcher m = BANNER.matcher(Files.readString(log, StandardCharsets.UTF_8));
            if (m.find()) {
                return new ServeProcess(process, log, m.group(1));
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(50);
        }
        process.destroyForcibly();
        throw new AssertionError("serve did not start: " + Files.readString(log, StandardCharsets.UTF_8));
    }

    /** A free loopback port at this moment (for a server that must come back on the same one). */
    public static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public String mcpUrl() {
        return mcpUrl;
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    /** An HS256 token for a server at {@code mcpUrl} (its audience) with {@code scopes}. */
    public static String token(String mcpUrl, String... scopes) {
        return TokenMinter.withSecret(SECRET.getBytes(StandardCharsets.UTF_8)).token()
                .subject("ops").clientId("ops-test").audience(mcpUrl).scope(scopes).ttl(Duration.ofMinutes(10)).mint();
    }

    /** Sends a signal by name ({@code HUP}, {@code TERM}) with the system's kill. */
    public void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -" + name + " failed");
        }
    }

    /** A 2026-07-28 tools/call (no session needed) at {@code url}. */
    public static HttpRequest toolCall(String url, String token, String tool, String arguments) {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool + "\",\"arguments\":" + arguments
                + ",\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{},"
                + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"ops-test\",\"version\":\"1\"}}}}";
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + token).header("MCP-Protocol-Version", "2026-07-28")
                .header("Mcp-Method", "tools/call").header("Mcp-Name", tool)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    public HttpResponse<String> call(String token, String tool) throws Exception {
        return http.send(toolCall(mcpUrl, token, tool, "{}"), HttpResponse.BodyHandlers.ofString());
    }

    public static JsonNode json(String body) throws IOException {
        return JSON.readTree(body);
    }

    public String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** SIGTERM, then waits for the exit (forcibly after 30 s); returns the exit code. */
    public int stop() throws Exception {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        return process.exitValue();
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            stop();
        }
    }
}
