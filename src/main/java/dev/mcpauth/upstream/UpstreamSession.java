package dev.mcpauth.upstream;

import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.customizer.McpAsyncHttpClientRequestCustomizer;
import io.modelcontextprotocol.client.transport.customizer.McpHttpClientAuthorizationErrorHandler;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * One live, initialized connection to an upstream through the SDK client: a child process over stdio, or a
 * Streamable HTTP session. It ends for good when {@link #lost()} completes; a new one is opened to reconnect.
 */
final class UpstreamSession implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UpstreamSession.class);
    private static final McpSchema.Implementation CLIENT_INFO = new McpSchema.Implementation("mcp-auth", "mcp-auth gateway", "0.1.0");
    private static final Duration MIN_INITIALIZATION_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final UpstreamSpec spec;
    private final McpClientTransport transport;
    private final McpAsyncClient client;
    private final CompletableFuture<String> lost = new CompletableFuture<>();
    private volatile List<Tool> tools = List.of();

    private UpstreamSession(UpstreamSpec spec, McpClientTransport transport, BiConsumer<UpstreamSession, List<Tool>> onToolsChanged) {
        this.spec = spec;
        this.transport = transport;
        this.client = McpClient.async(transport)
                // The gateway enforces the per-call timeout itself; this is only the SDK's backstop.
                .requestTimeout(spec.callTimeout().plusSeconds(5))
                .initializationTimeout(max(spec.callTimeout(), MIN_INITIALIZATION_TIMEOUT))
                .clientInfo(CLIENT_INFO)
                // notifications/tools/list_changed: the SDK lists every page again and hands over the full list.
                .toolsChangeConsumer(changed -> {
                    tools = List.copyOf(changed);
                    onToolsChanged.accept(this, tools);
                    return Mono.empty();
                })
                .build();
    }

    /** A session that is not connected yet: {@link #initialize()} starts it. */
    static UpstreamSession create(UpstreamSpec spec, HttpClient http, Clock clock, BiConsumer<UpstreamSession, List<Tool>> onToolsChanged) {
        McpJsonMapper json = McpJsonDefaults.getMapper();
        McpClientTransport transport = spec.isStdio() ? new ChildProcessTransport(spec, json) : httpTransport(spec, http, clock, json);
        UpstreamSession session = new UpstreamSession(spec, transport, onToolsChanged);
        if (transport instanceof ChildProcessTransport child) {
            child.exited().thenAccept(code -> session.lose("upstream " + spec.name() + " exited (code " + code + ")"));
        }
        return session;
    }

    /**
     * Starts the transport (the child process, for stdio), runs {@code initialize} and lists every tool (all pages).
     * Blocks: run it on a virtual thread. On failure the session is closed and the exception thrown.
     */
    void initialize() {
        try {
            McpSchema.InitializeResult init = client.initialize().block(max(spec.callTimeout(), MIN_INITIALIZATION_TIMEOUT));
            if (init != null && init.capabilities() != null && init.capabilities().tools() != null) {
                McpSchema.ListToolsResult listed = client.listTools().block(spec.callTimeout());
                tools = listed == null || listed.tools() == null ? List.of() : List.copyOf(listed.tools());
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    List<Tool> tools() {
        return tools;
    }

    /** Completes, with a sentence saying why, when this connection can no longer be used. */
    CompletableFuture<String> lost() {
        return lost;
    }

    /** Sends {@code tools/call}; a failure of the connection itself (not an MCP error answer) marks the session lost. */
    CompletableFuture<CallToolResult> callTool(String name, Map<String, Object> arguments) {
        CompletableFuture<CallToolResult> call = client.callTool(new McpSchema.CallToolRequest(name, arguments)).toFuture();
        call.whenComplete((result, failure) -> {
            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
            if (cause != null && !(cause instanceof McpError) && !(cause instanceof TimeoutException) && !(cause instanceof CancellationException)) {
                log.warn("upstream {}: tools/call failed at the transport: {}", spec.name(), cause.toString());
                lose("upstream " + spec.name() + " connection failed (" + cause.getClass().getSimpleName() + ")");
            }
        });
        return call;
    }

    void lose(String reason) {
        lost.complete(reason);
    }

    @Override
    public void close() {
        lose("upstream " + spec.name() + " was stopped");
        try {
            client.closeGracefully().block(CLOSE_TIMEOUT);
        } catch (RuntimeException e) {
            log.debug("upstream {}: close: {}", spec.name(), e.toString());
        }
        // The child process tree must be gone when close returns, whatever the SDK did.
        if (transport instanceof ChildProcessTransport child) {
            child.close();
        }
    }

    /** The child's process id (stdio upstreams), or -1. */
    long pid() {
        return transport instanceof ChildProcessTransport child ? child.pid() : -1;
    }

    private static McpClientTransport httpTransport(UpstreamSpec spec, HttpClient http, Clock clock, McpJsonMapper json) {
        URI url = spec.url();
        String base = url.getScheme() + "://" + url.getRawAuthority();
        String endpoint = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        HttpClientStreamableHttpTransport.Builder builder = HttpClientStreamableHttpTransport.builder(base)
                .endpoint(endpoint)
                .jsonMapper(json)
                .connectTimeout(Duration.ofSeconds(10));
        switch (spec.credentials()) {
            case UpstreamCredentials.None none -> { }
            case UpstreamCredentials.StaticBearer bearer -> builder.asyncHttpRequestCustomizer(
                    (request, method, uri, body, context) -> Mono.just(request.setHeader("Authorization", "Bearer " + bearer.token())));
            case UpstreamCredentials.ClientCredentials cc -> withTokens(builder, new ClientCredentialsTokens(cc, url, http, clock));
            case UpstreamCredentials.Provided provided -> withTokens(builder, provided.source());
        }
        return builder.build();
    }

    private static void withTokens(HttpClientStreamableHttpTransport.Builder builder, TokenSource tokens) {
        builder.asyncHttpRequestCustomizer(bearerFrom(tokens));
        // A 401 means the token was revoked or expired early: forget it and let the SDK retry with a new one.
        builder.authorizationErrorHandler((McpHttpClientAuthorizationErrorHandler) (response, context) -> {
            tokens.invalidate();
            return Mono.just(true);
        });
    }

    private static McpAsyncHttpClientRequestCustomizer bearerFrom(TokenSource tokens) {
        // Fetching a token blocks on HTTP: off the reactor thread.
        return (request, method, uri, body, context) -> Mono.fromCallable(() -> request.setHeader("Authorization", "Bearer " + tokens.current()))
                .subscribeOn(Schedulers.boundedElastic());
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
