package dev.mcpauth.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.http.Exchanges;
import dev.mcpauth.policy.Policy;
import dev.mcpauth.policy.ScopePolicy;
import dev.mcpauth.token.AccessToken;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.Headers;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Real parts for the MCP tests: a catalog of small tools, a policy, tokens, and an Undertow server on loopback. */
final class TestFixtures {

    static final Policy POLICY = Policy.of(ScopePolicy.of(Map.of(
            "echo", Set.of("tools:read"),
            "explode", Set.of("tools:read"),
            "admin_*", Set.of("admin")), Set.of()));

    static final AccessToken ALICE = token("alice", Set.of("tools:read"), Instant.now().plusSeconds(3600));
    static final AccessToken ROOT = token("root", Set.of("tools:read", "admin"), Instant.now().plusSeconds(3600));

    /** What the exploding tool's exception says: it must never reach a client. */
    static final String SECRET_FAILURE = "db password hunter2 rejected by 10.0.0.7";

    private TestFixtures() {
    }

    static AccessToken token(String subject, Set<String> scopes, Instant expiresAt) {
        return new AccessToken(subject, "client-" + subject, scopes, List.of("http://127.0.0.1/mcp"), "https://issuer.test",
                expiresAt, Map.of("sub", subject));
    }

    static McpSchema.Tool tool(String name) {
        return McpSchema.Tool.builder(name, Map.of("type", "object", "properties", Map.of("text", Map.of("type", "string"))))
                .description(name + " tool")
                .build();
    }

    static ToolCatalog catalog() {
        ToolCatalog catalog = new ToolCatalog();
        catalog.replaceSource("builtin", List.of(
                new CatalogTool(tool("echo"), call -> text("echo " + call.arguments().get("text") + " for " + call.caller().subject())),
                new CatalogTool(tool("explode"), call -> {
                    throw new IllegalStateException(SECRET_FAILURE);
                }),
                new CatalogTool(tool("admin_reset"), call -> text("reset done"))));
        return catalog;
    }

    static McpSchema.CallToolResult text(String text) {
        return McpSchema.CallToolResult.builder().addTextContent(text).build();
    }

    static McpServerFactory factory(ToolCatalog catalog) {
        return new McpServerFactory(catalog, POLICY, "mcp-auth-test", "1.0.0", "https://issuer.test/authorize");
    }

    /**
     * Stands in for the gateway's auth chain: {@code Authorization: Bearer <name>} attaches the named token as is
     * (the real chain verifies it first). Unknown names attach nothing.
     */
    static HttpHandler fakeAuth(Map<String, AccessToken> tokens, HttpHandler next) {
        return exchange -> {
            String authorization = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
            if (authorization != null && authorization.startsWith("Bearer ")) {
                AccessToken token = tokens.get(authorization.substring(7));
                if (token != null) {
                    exchange.putAttachment(Exchanges.ACCESS_TOKEN, token);
                }
            }
            next.handleRequest(exchange);
        };
    }

    /** A running Undertow on 127.0.0.1 with an ephemeral port. */
    record Server(Undertow undertow, String url) implements AutoCloseable {

        static Server start(HttpHandler handler) {
            Undertow undertow = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(handler).build();
            undertow.start();
            int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
            return new Server(undertow, "http://127.0.0.1:" + port);
        }

        /** Behind {@link BlockingHandler}, as handlers run in the gateway (worker thread, blocking mode). */
        static Server startBlocking(Map<String, AccessToken> tokens, HttpHandler transport) {
            return start(new BlockingHandler(fakeAuth(tokens, transport)));
        }

        @Override
        public void close() {
            undertow.stop();
        }
    }

    static McpSyncClient client(String baseUrl, String bearer, Consumer<List<McpSchema.Tool>> onToolsChanged) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(baseUrl)
                .endpoint("/mcp")
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + bearer))
                .build();
        return McpClient.sync(transport)
                .requestTimeout(Duration.ofSeconds(10))
                .initializationTimeout(Duration.ofSeconds(10))
                .toolsChangeConsumer(onToolsChanged)
                .build();
    }

    static McpSyncClient client(String baseUrl, String bearer) {
        return client(baseUrl, bearer, tools -> {
        });
    }

    static McpSchema.CallToolRequest call(String name, Map<String, Object> arguments) {
        return McpSchema.CallToolRequest.builder(name).arguments(arguments).build();
    }

    static String firstText(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    static void write(OutputStream stdin, String line) throws Exception {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /** Writes one line to stdin and returns the next reply on stdout (a message with an id), skipping notifications. */
    static JsonNode exchange(OutputStream stdin, LineSink stdout, String line) throws Exception {
        write(stdin, line);
        while (true) {
            JsonNode node = stdout.next();
            if (node.has("id")) {
                return node;
            }
        }
    }

    /** A stdout that hands each written line to the test as it is flushed. */
    static final class LineSink extends OutputStream {
        private static final ObjectMapper JSON = new ObjectMapper();
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final ByteArrayOutputStream current = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                lines.add(current.toString(StandardCharsets.UTF_8));
                current.reset();
            } else {
                current.write(b);
            }
        }

        /** The next line written, as JSON; fails the test when none comes within 10 s. */
        JsonNode next() throws Exception {
            String line = lines.poll(10, TimeUnit.SECONDS);
            assertThat(line).as("a line on stdout").isNotNull();
            return JSON.readTree(line);
        }
    }
}
