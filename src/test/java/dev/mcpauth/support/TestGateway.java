package dev.mcpauth.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.gateway.GatewayServer;
import dev.mcpauth.token.TokenMinter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A real gateway on an ephemeral loopback port, with helpers to mint tokens for it and talk to it over HTTP. */
public final class TestGateway implements AutoCloseable {

    public static final String SECRET = "test-secret-that-is-at-least-32-bytes-long!";
    private static final ObjectMapper JSON = new ObjectMapper();

    public final GatewayServer server;
    public final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private TestGateway(GatewayServer server) {
        this.server = server;
    }

    public static TestGateway start(GatewayConfig config) throws Exception {
        return new TestGateway(GatewayServer.start(config.validate()));
    }

    public static TestGateway sharedSecret(Path filesRoot, boolean stateless) throws Exception {
        return start(config(new GatewayConfig.SharedSecret(SECRET.getBytes(StandardCharsets.UTF_8)), filesRoot, stateless));
    }

    public static GatewayConfig config(GatewayConfig.Auth auth, Path filesRoot, boolean stateless) {
        return new GatewayConfig(
                new GatewayConfig.Listener("127.0.0.1", 0, "/mcp", null, stateless),
                auth,
                new GatewayConfig.JwtChecks(null, Set.of(), false, Duration.ofSeconds(60)),
                new GatewayConfig.Policy(Map.of(), Set.of()),
                new GatewayConfig.Tools(true, filesRoot, List.of("echo"), Duration.ofSeconds(10)),
                new GatewayConfig.Edge(List.of(), 1024 * 1024, 64),
                null, List.of(), List.of());
    }

    /** {@code config} with the given connection, stream and session limits and request budget. */
    public static GatewayConfig withCapacity(GatewayConfig config, int maxConcurrentRequests, GatewayConfig.Capacity capacity) {
        GatewayConfig.Edge e = config.edge();
        return new GatewayConfig(config.listener(), config.auth(), config.jwt(), config.policy(), config.tools(),
                new GatewayConfig.Edge(e.allowedOrigins(), e.maxBodyBytes(), maxConcurrentRequests, e.maxTokenFailures(),
                        e.tokenFailureWindow(), e.allowedHosts(), capacity),
                config.scopeUpgradeEndpoint(), config.authorizationServers(), config.upstreams());
    }

    public String mcpUrl() {
        return server.resourceUrl();
    }

    /** An HS256 token for this gateway (audience = its resource URL) with the given scopes. */
    public String token(String... scopes) {
        return TokenMinter.withSecret(SECRET.getBytes(StandardCharsets.UTF_8)).token()
                .subject("alice").clientId("test-client").audience(mcpUrl()).scope(scopes).ttl(Duration.ofMinutes(5)).mint();
    }

    /** A token like {@link #token} for another subject (per-subject limits). */
    public String tokenFor(String subject, String... scopes) {
        return TokenMinter.withSecret(SECRET.getBytes(StandardCharsets.UTF_8)).token()
                .subject(subject).clientId("test-client").audience(mcpUrl()).scope(scopes).ttl(Duration.ofMinutes(5)).mint();
    }

    public HttpRequest.Builder post(String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(mcpUrl()))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", "2025-11-25")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    public HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Initializes a session and returns its id. */
    public String initialize(String token) throws Exception {
        HttpResponse<String> res = send(post(token, initializeBody()));
        if (res.statusCode() != 200) {
            throw new AssertionError("initialize failed: " + res.statusCode() + " " + res.body());
        }
        String session = res.headers().firstValue("Mcp-Session-Id").orElseThrow();
        send(post(token, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").header("Mcp-Session-Id", session));
        return session;
    }

    public static String initializeBody() {
        return "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}";
    }

    public static String toolCall(int id, String tool, String argumentsJson) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":" + argumentsJson + "}}";
    }

    /** The JSON-RPC message of a response, whether it came as JSON or as one SSE event. */
    public static JsonNode message(HttpResponse<String> res) throws Exception {
        String body = res.body();
        if (res.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
            StringBuilder data = new StringBuilder();
            for (String line : body.split("\n")) {
                if (line.startsWith("data:")) {
                    data.append(line.substring(5).strip());
                }
            }
            body = data.toString();
        }
        return JSON.readTree(body);
    }

    public static JsonNode json(String body) throws Exception {
        return JSON.readTree(body);
    }

    @Override
    public void close() {
        server.stop();
    }
}
