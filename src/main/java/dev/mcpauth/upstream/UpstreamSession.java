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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
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
    /** How long a stdio transport failure waits for the child's exit code (reported within 1 s of the exit). */
    static final Duration EXIT_REPORT_WAIT = Duration.ofSeconds(2);

    private final UpstreamSpec spec;
    private final McpClientTransport transport;
    private final McpAsyncClient client;
    private final CompletableFuture<String> lost = new CompletableFuture<>();
    private final Listener listener;
    private final ReentrantLock promptRefresh = new ReentrantLock();
    private final ReentrantLock resourceRefresh = new ReentrantLock();
    private volatile List<Tool> tools = List.of();
    private volatile Offers offers = Offers.NONE;
    private volatile boolean prompts;
    private volatile boolean resources;
    /** The upstream's last 401/403 to this connection's credential, as the caller should read it; null when none. */
    private final java.util.concurrent.atomic.AtomicReference<String> refusal;

    /** What an upstream offers besides tools, as it listed them (all pages), with its original names and URIs. */
    record Offers(List<McpSchema.Prompt> prompts, List<McpSchema.Resource> resources, List<McpSchema.ResourceTemplate> templates) {
        static final Offers NONE = new Offers(List.of(), List.of(), List.of());
    }

    /** Hears what the upstream offers whenever it says a list changed; called off the SDK's threads for prompts and resources. */
    @FunctionalInterface
    interface Listener {
        void toolsChanged(UpstreamSession from, List<Tool> tools);

        /** Prompts, resources or templates changed; ignored by a listener that only follows tools. */
        default void offersChanged(UpstreamSession from, Offers offers) {
        }
    }

    private UpstreamSession(UpstreamSpec spec, McpClientTransport transport, Listener listener,
                            java.util.concurrent.atomic.AtomicReference<String> refusal) {
        this.spec = spec;
        this.refusal = refusal;
        this.transport = transport;
        this.listener = listener;
        this.client = McpClient.async(transport)
                // The gateway enforces the per-call timeout itself; this is only the SDK's backstop.
                .requestTimeout(spec.callTimeout().plusSeconds(5))
                .initializationTimeout(max(spec.callTimeout(), MIN_INITIALIZATION_TIMEOUT))
                .clientInfo(CLIENT_INFO)
                // Declared so that tools which need a client capability exist (servers list them only for clients that
                // can serve them). On this shared connection no client can be asked: clients with a session are served
                // on a connection of their own (BoundSessions), which relays these requests to them.
                .capabilities(McpSchema.ClientCapabilities.builder().sampling().elicitation().roots(true).build())
                .sampling(request -> Mono.error(notRelayed("sampling/createMessage")))
                .elicitation(request -> Mono.error(notRelayed("elicitation/create")))
                .roots(List.of())
                // notifications/tools/list_changed: the SDK lists every page again and hands over the full list.
                .toolsChangeConsumer(changed -> {
                    tools = List.copyOf(changed);
                    listener.toolsChanged(this, tools);
                    return Mono.empty();
                })
                // notifications/prompts|resources/list_changed: list again ourselves (templates too, every page),
                // on a virtual thread, as listing blocks.
                .promptsChangeConsumer(changed -> refreshLater(promptRefresh, this::listPrompts))
                .resourcesChangeConsumer(changed -> refreshLater(resourceRefresh, this::listResources))
                .build();
    }

    private static McpError notRelayed(String method) {
        return McpError.builder(McpSchema.ErrorCodes.INTERNAL_ERROR)
                .message("The gateway relays " + method + " only to clients with a session, on their own connection").build();
    }

    /** A session that is not connected yet: {@link #initialize()} starts it. */
    static UpstreamSession create(UpstreamSpec spec, HttpClient http, Clock clock, Listener listener) {
        return create(spec, http, clock, listener, true);
    }

    /** A not yet connected session of one caller's own: its list changes are the shared connection's to follow. */
    static UpstreamSession createForCaller(UpstreamSpec spec, HttpClient http, Clock clock) {
        return create(spec, http, clock, (from, tools) -> { }, false);
    }

    private static UpstreamSession create(UpstreamSpec spec, HttpClient http, Clock clock, Listener listener, boolean listChanges) {
        McpJsonMapper json = McpJsonDefaults.getMapper();
        java.util.concurrent.atomic.AtomicReference<String> refusal = new java.util.concurrent.atomic.AtomicReference<>();
        McpClientTransport transport = spec.isStdio() ? new ChildProcessTransport(spec, json) : httpTransport(spec, http, clock, json, refusal, listChanges);
        UpstreamSession session = new UpstreamSession(spec, transport, listener, refusal);
        if (transport instanceof ChildProcessTransport child) {
            child.exited().thenAccept(code -> session.lose("upstream " + spec.name() + " exited (code " + code + ")"));
        }
        return session;
    }

    /**
     * A new, unconnected transport to the upstream for a connection of one client session's own ({@link BoundSessions}):
     * a child process (stdio) or a Streamable HTTP client, without a list-change stream of its own.
     */
    static McpClientTransport transport(UpstreamSpec spec, HttpClient http, Clock clock, McpJsonMapper json) {
        return spec.isStdio() ? new ChildProcessTransport(spec, json)
                : httpTransport(spec, http, clock, json, new java.util.concurrent.atomic.AtomicReference<>(), false);
    }

    /**
     * Starts the transport (the child process, for stdio), runs {@code initialize} and lists every tool, prompt,
     * resource and resource template the upstream's capabilities announce (all pages).
     * Blocks: run it on a virtual thread. On failure the session is closed and the exception thrown.
     */
    void initialize() {
        try {
            McpSchema.InitializeResult init = client.initialize().block(max(spec.callTimeout(), MIN_INITIALIZATION_TIMEOUT));
            if (init != null && init.capabilities() != null && init.capabilities().tools() != null) {
                McpSchema.ListToolsResult listed = client.listTools().block(spec.callTimeout());
                tools = listed == null || listed.tools() == null ? List.of() : List.copyOf(listed.tools());
            }
            McpSchema.ServerCapabilities capabilities = init == null ? null : init.capabilities();
            prompts = capabilities != null && capabilities.prompts() != null;
            resources = capabilities != null && capabilities.resources() != null;
            listOffers();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Only {@code initialize}, nothing listed: a connection that carries one caller's calls ({@link CallerSessions}),
     * while the shared connection keeps the catalog. Blocks; on failure the session is closed and the exception thrown.
     */
    void connect() {
        try {
            client.initialize().block(max(spec.callTimeout(), MIN_INITIALIZATION_TIMEOUT));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** How the upstream last refused this connection's credential (HTTP status and its WWW-Authenticate), if it did. */
    java.util.Optional<String> refusal() {
        return java.util.Optional.ofNullable(refusal.get());
    }

    List<Tool> tools() {
        return tools;
    }

    Offers offers() {
        return offers;
    }

    /** Prompts and resources are extras: an upstream that refuses to list them still serves its tools. */
    private void listOffers() {
        try {
            listPrompts();
        } catch (McpError e) {
            log.warn("upstream {} announces prompts but refused to list them: {}", spec.name(), e.getMessage());
        }
        try {
            listResources();
        } catch (McpError e) {
            log.warn("upstream {} announces resources but refused to list them: {}", spec.name(), e.getMessage());
        }
    }

    /** Lists every prompt (all pages) if the upstream has prompts. */
    private void listPrompts() {
        if (prompts) {
            List<McpSchema.Prompt> listed = Pages.all(spec, "prompts/list", client::listPrompts, McpSchema.ListPromptsResult::prompts,
                    McpSchema.ListPromptsResult::nextCursor);
            offers = new Offers(listed, offers.resources(), offers.templates());
        }
    }

    /** Lists every resource and resource template (all pages) if the upstream has resources. */
    private void listResources() {
        if (resources) {
            List<McpSchema.Resource> listed = Pages.all(spec, "resources/list", client::listResources, McpSchema.ListResourcesResult::resources,
                    McpSchema.ListResourcesResult::nextCursor);
            List<McpSchema.ResourceTemplate> templates = Pages.all(spec, "resources/templates/list", client::listResourceTemplates,
                    McpSchema.ListResourceTemplatesResult::resourceTemplates, McpSchema.ListResourceTemplatesResult::nextCursor);
            offers = new Offers(offers.prompts(), listed, templates);
        }
    }

    /** Lists again on a virtual thread, one refresh of a kind at a time (the later one sees the newer list), then tells the listener. */
    private Mono<Void> refreshLater(ReentrantLock lock, Runnable list) {
        Thread.ofVirtual().name("upstream-" + spec.name() + "-refresh").start(() -> {
            lock.lock();
            try {
                if (!lost.isDone()) {
                    list.run();
                    listener.offersChanged(this, offers);
                }
            } catch (RuntimeException e) {
                log.warn("upstream {}: listing after a list_changed failed: {}", spec.name(), e.toString());
            } finally {
                lock.unlock();
            }
        });
        return Mono.empty();
    }

    /** Completes, with a sentence saying why, when this connection can no longer be used. */
    CompletableFuture<String> lost() {
        return lost;
    }

    /** Sends {@code tools/call}; a failure of the connection itself (not an MCP error answer) marks the session lost. */
    CompletableFuture<CallToolResult> callTool(String name, Map<String, Object> arguments, Map<String, Object> meta) {
        return send("tools/call", client.callTool(new McpSchema.CallToolRequest(name, arguments, meta)));
    }

    /** Sends {@code resources/read} for the upstream's own URI. */
    CompletableFuture<McpSchema.ReadResourceResult> readResource(String uri, Map<String, Object> meta) {
        return send("resources/read", client.readResource(new McpSchema.ReadResourceRequest(uri, meta.isEmpty() ? null : meta)));
    }

    /** Sends {@code prompts/get} for the upstream's own prompt name. */
    CompletableFuture<McpSchema.GetPromptResult> getPrompt(String name, Map<String, Object> arguments, Map<String, Object> meta) {
        return send("prompts/get", client.getPrompt(new McpSchema.GetPromptRequest(name, arguments, meta.isEmpty() ? null : meta)));
    }

    private <T> CompletableFuture<T> send(String method, Mono<T> request) {
        CompletableFuture<T> call = request.toFuture();
        call.whenComplete((result, failure) -> {
            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
            if (cause != null && !(cause instanceof McpError) && !(cause instanceof TimeoutException) && !(cause instanceof CancellationException)) {
                log.warn("upstream {}: {} failed at the transport: {}", spec.name(), method, cause.toString());
                String reason = "upstream " + spec.name() + " connection failed (" + dev.mcpauth.http.Failures.describe(cause) + ")";
                if (transport instanceof ChildProcessTransport child) {
                    // A dead child's stdout ends before its exit is reaped: give the exit code a moment to name the loss.
                    child.exited().copy().completeOnTimeout(null, EXIT_REPORT_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                            .thenRun(() -> lose(reason));
                } else {
                    lose(reason);
                }
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

    private static McpClientTransport httpTransport(UpstreamSpec spec, HttpClient http, Clock clock, McpJsonMapper json,
                                                    java.util.concurrent.atomic.AtomicReference<String> refusal, boolean listChanges) {
        URI url = spec.url();
        String base = url.getScheme() + "://" + url.getRawAuthority();
        String endpoint = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        HttpClientStreamableHttpTransport.Builder builder = HttpClientStreamableHttpTransport.builder(base)
                .endpoint(endpoint)
                .jsonMapper(json)
                // The upstream connection's own client (its executor: UpstreamConnection), for every session of the
                // upstream; HTTP/1.1 as the SDK's own client would speak, set per request.
                .clientBuilder(new SharedClientBuilder(http))
                .requestBuilder(java.net.http.HttpRequest.newBuilder().version(HttpClient.Version.HTTP_1_1))
                .connectTimeout(Duration.ofSeconds(10));
        UpstreamCredentials credentials = spec.credentials() instanceof UpstreamCredentials.OnBehalfOf onBehalf
                ? onBehalf.own() : spec.credentials();
        TokenSource tokens = switch (credentials) {
            case UpstreamCredentials.None none -> null;
            case UpstreamCredentials.StaticBearer bearer -> new TokenSource() {
                @Override
                public String current() {
                    return bearer.token();
                }

                @Override
                public void invalidate() {
                }

                @Override
                public boolean rejected(int status, String challenge) {
                    return false;
                }
            };
            case UpstreamCredentials.ClientCredentials cc -> new ClientCredentialsTokens(cc, url, http, clock);
            case UpstreamCredentials.Provided provided -> provided.source();
            case UpstreamCredentials.OnBehalfOf nested -> throw new IllegalArgumentException("nested on-behalf-of credentials");
        };
        McpAsyncHttpClientRequestCustomizer credential;
        if (credentials instanceof UpstreamCredentials.StaticBearer bearer) {
            credential = (request, method, uri, body, context) -> Mono.just(request.setHeader("Authorization", "Bearer " + bearer.token()));
        } else if (tokens != null) {
            credential = withTokens(builder, tokens, refusal);
        } else {
            credential = (request, method, uri, body, context) -> Mono.just(request);
        }
        // W3C Trace Context over HTTP: the message's _meta.traceparent is also its traceparent header.
        builder.asyncHttpRequestCustomizer((request, method, uri, body, context) -> {
            String traceparent = TraceHeader.of(body);
            return credential.customize(traceparent == null ? request : request.setHeader("traceparent", traceparent), method, uri, body, context);
        });
        // One token source serves whichever era the upstream turns out to speak.
        return switch (spec.era()) {
            case LEGACY -> builder.build();
            case MODERN -> new ModernUpstreamTransport(spec.name(), url, http, tokens, refusal, json, listChanges);
            case AUTO -> new EraNegotiatingTransport(builder.build(), new ModernUpstreamTransport(spec.name(), url, http, tokens, refusal, json, listChanges));
        };
    }

    private static McpAsyncHttpClientRequestCustomizer withTokens(HttpClientStreamableHttpTransport.Builder builder, TokenSource tokens,
                                                                  java.util.concurrent.atomic.AtomicReference<String> refusal) {
        // A 401 means the token was revoked or expired early, a 403 may ask for more scopes: the source decides
        // whether the SDK retries with its next token. The challenge is kept so a failed call can say why (RFC 6750 section 3).
        builder.authorizationErrorHandler((McpHttpClientAuthorizationErrorHandler) (response, context) -> {
            String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
            refusal.set("HTTP " + response.statusCode() + (challenge.isEmpty() ? "" : ", WWW-Authenticate: "
                    + printable(challenge)));
            // The SDK does not say which token the refused request carried (TokenSource.rejected with sent unknown).
            return Mono.just(tokens.rejected(response.statusCode(), challenge, null));
        });
        return bearerFrom(tokens);
    }

    private static McpAsyncHttpClientRequestCustomizer bearerFrom(TokenSource tokens) {
        // Fetching a token blocks on HTTP: off the reactor thread.
        return (request, method, uri, body, context) -> Mono.fromCallable(() -> request.setHeader("Authorization", "Bearer " + tokens.current()))
                .subscribeOn(Schedulers.boundedElastic());
    }

    /** An upstream's header, shown to the caller: printable ASCII only, bounded. */
    static String printable(String header) {
        StringBuilder out = new StringBuilder();
        header.chars().limit(300).forEach(c -> out.append(c >= 0x20 && c < 0x7f ? (char) c : '?'));
        return out.toString();
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
