package dev.mcpauth.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.json.Json;
import dev.mcpauth.mcp.RelayMessages;
import dev.mcpauth.modern.ModernProtocol;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * A 2025-era client transport that speaks MCP 2026-07-28 to an HTTP upstream, so the gateway's legacy-era client
 * machinery (the shared session, and each client session's {@link RelayPeer}) fronts an upstream that only speaks
 * the stateless revision. The era is translated here and nowhere else:
 * <ul>
 * <li>{@code initialize} is answered from {@code server/discover}; {@code notifications/initialized} and
 *     {@code ping} need no round trip (there is no session to keep alive);</li>
 * <li>every request carries the per-request envelope in {@code _meta} (protocol version, the client's capabilities
 *     and identity, and the log level {@code logging/setLevel} asked for) and the mirroring headers;</li>
 * <li>notifications streamed before a response (progress, log messages) reach the client as they come;</li>
 * <li>an {@code input_required} result (basic/patterns/mrtr) becomes server-to-client requests
 *     ({@code sampling/createMessage}, {@code elicitation/create}, {@code roots/list}) to the client, and the request
 *     is sent again with their answers, so the client sees one request and one response;</li>
 * <li>changes of the tool, prompt and resource lists arrive on one {@code subscriptions/listen} stream and go to the
 *     client as {@code list_changed} notifications;</li>
 * <li>{@code notifications/cancelled} closes the request's HTTP exchange (how a 2026-07-28 client cancels) and no
 *     response follows it.</li>
 * </ul>
 */
final class ModernUpstreamTransport implements McpClientTransport {

    private static final Logger log = LoggerFactory.getLogger(ModernUpstreamTransport.class);
    /** Input rounds one request may take before the gateway gives up on an upstream that keeps asking. */
    static final int MAX_INPUT_ROUNDS = 8;

    private final String name;
    private final ModernPost post;
    private final McpJsonMapper json;
    private final InputRounds inputs;
    private final Map<Object, ModernPost.Handle> inFlight = new ConcurrentHashMap<>();
    /** Each tool's input schema, from the tools/list results that pass through: for its Mcp-Param headers. */
    private final Map<String, JsonNode> toolSchemas = new ConcurrentHashMap<>();
    private volatile Function<Mono<JSONRPCMessage>, Mono<JSONRPCMessage>> handler;
    private volatile ObjectNode clientCapabilities = JsonNodeFactory.instance.objectNode();
    private volatile JsonNode clientInfo;
    private volatile String logLevel;
    private volatile ObjectNode discovered;
    private volatile boolean closed;
    private volatile Thread listen;
    private volatile ModernPost.Handle listening;
    private final boolean listChanges;

    /**
     * @param listChanges whether to keep a {@code subscriptions/listen} stream for list changes: the shared connection
     *                    does; a connection of one caller's own (bound to a session, or acting on a caller's behalf)
     *                    does not, as the shared one already keeps the catalog current
     */
    ModernUpstreamTransport(String name, URI endpoint, HttpClient http, TokenSource tokens, AtomicReference<String> refusal,
                            McpJsonMapper json, boolean listChanges) {
        this.name = name;
        this.listChanges = listChanges;
        this.post = new ModernPost(endpoint, http, tokens, refusal);
        this.json = json;
        this.inputs = new InputRounds(this::deliver);
    }

    String name() {
        return name;
    }

    /**
     * Asks the upstream for {@code server/discover} as a client with no capabilities; the result when the upstream
     * speaks 2026-07-28, else empty (a 2025-era server answers with an HTTP or JSON-RPC error). Blocks.
     */
    Optional<ObjectNode> discover() {
        ObjectNode request = request("discover", ModernProtocol.SERVER_DISCOVER, JsonNodeFactory.instance.objectNode());
        try {
            JsonNode result = post.send(request, null, new ModernPost.Handle(), n -> { }).path("result");
            for (JsonNode version : result.path("supportedVersions")) {
                if (ModernProtocol.VERSION.equals(version.asText())) {
                    discovered = (ObjectNode) result;
                    return Optional.of((ObjectNode) result);
                }
            }
        } catch (IOException e) {
            log.debug("upstream {}: server/discover failed: {}", name, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.empty();
    }

    @Override
    public Mono<Void> connect(Function<Mono<JSONRPCMessage>, Mono<JSONRPCMessage>> handler) {
        this.handler = handler;
        return Mono.empty();
    }

    @Override
    public Mono<Void> sendMessage(JSONRPCMessage message) {
        if (closed) {
            return Mono.error(new IOException("upstream " + name + " connection is closed"));
        }
        switch (message) {
            case McpSchema.JSONRPCRequest request -> Thread.ofVirtual().name("modern-upstream-" + name).start(() -> handle(request));
            case McpSchema.JSONRPCNotification notification -> notification(notification);
            case McpSchema.JSONRPCResponse response -> inputs.answered(RelayMessages.of(response));
            default -> log.debug("upstream {}: an unknown kind of message; not sent", name);
        }
        return Mono.empty();
    }

    private void handle(McpSchema.JSONRPCRequest request) {
        ObjectNode params = request.params() == null ? JsonNodeFactory.instance.objectNode()
                : Json.shared().valueToTree(request.params());
        try {
            deliver(switch (request.method()) {
                case McpSchema.METHOD_INITIALIZE -> initialize(request.id(), params);
                case McpSchema.METHOD_PING -> RelayMessages.result(request.id(), null);
                case McpSchema.METHOD_LOGGING_SET_LEVEL -> setLevel(request.id(), params);
                default -> call(request.id(), request.method(), params);
            });
        } catch (RuntimeException | IOException e) {
            deliver(RelayMessages.error(request.id(), McpSchema.ErrorCodes.INTERNAL_ERROR,
                    "upstream " + name + ": " + request.method() + " failed: " + e.getMessage(), null));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private JsonNode initialize(Object id, ObjectNode params) {
        clientCapabilities = params.path("capabilities").isObject() ? (ObjectNode) params.get("capabilities") : JsonNodeFactory.instance.objectNode();
        clientInfo = params.get("clientInfo");
        ObjectNode found = discovered != null ? discovered : discover().orElse(null);
        if (found == null) {
            return RelayMessages.error(id, McpSchema.ErrorCodes.INTERNAL_ERROR,
                    "upstream " + name + " does not answer server/discover with " + ModernProtocol.VERSION, null);
        }
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        // The client's own revision: the era it speaks is this transport's to translate.
        result.put("protocolVersion", params.path("protocolVersion").asText("2025-06-18"));
        ObjectNode capabilities = found.path("capabilities").isObject() ? found.get("capabilities").deepCopy() : JsonNodeFactory.instance.objectNode();
        // List changes arrive on one subscriptions/listen stream, opened here for the kinds the upstream announces and
        // relayed as the 2025 era's list_changed notifications. Resource subscriptions are not translated: none is promised.
        ObjectNode filter = JsonNodeFactory.instance.objectNode();
        for (String[] kind : new String[][] {{"tools", "toolsListChanged"}, {"prompts", "promptsListChanged"}, {"resources", "resourcesListChanged"}}) {
            if (capabilities.path(kind[0]).path("listChanged").asBoolean(false)) {
                filter.put(kind[1], true);
            }
        }
        capabilities.properties().forEach(e -> {
            if (e.getValue() instanceof ObjectNode feature) {
                feature.remove("subscribe");
            }
        });
        if (listChanges && !filter.isEmpty() && listen == null) {
            ObjectNode listenParams = JsonNodeFactory.instance.objectNode();
            listenParams.set("notifications", filter);
            listen = Thread.ofVirtual().name("modern-upstream-listen-" + name).start(() -> listen(listenParams));
        }
        result.set("capabilities", capabilities);
        JsonNode serverInfo = found.path("_meta").path(ModernProtocol.SERVER_INFO_META);
        result.set("serverInfo", serverInfo.isObject() ? serverInfo : JsonNodeFactory.instance.objectNode().put("name", name).put("version", "unknown"));
        if (found.path("instructions").isTextual()) {
            result.set("instructions", found.get("instructions"));
        }
        return RelayMessages.result(id, result);
    }

    /**
     * Keeps one {@code subscriptions/listen} request open, and opens it again after it ends or fails (with backoff),
     * until the transport closes; its {@code list_changed} notifications go to the client as they come.
     */
    private void listen(ObjectNode params) {
        Duration delay = Backoff.DEFAULT.initial();
        while (!closed) {
            long started = System.nanoTime();
            ModernPost.Handle handle = new ModernPost.Handle();
            listening = handle;
            try {
                post.send(request("listen", ModernProtocol.SUBSCRIPTIONS_LISTEN, params), null, handle, message -> {
                    String method = message.path("method").asText();
                    if (method.endsWith("/list_changed")) {
                        deliver(message);
                    }
                });
            } catch (IOException e) {
                log.debug("upstream {}: subscriptions/listen ended: {}", name, e.toString());
            } catch (InterruptedException e) {
                return;
            }
            if (closed) {
                return;
            }
            delay = Duration.ofNanos(System.nanoTime() - started).compareTo(Backoff.DEFAULT.stableAfter()) > 0
                    ? Backoff.DEFAULT.initial() : Backoff.DEFAULT.next(delay);
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** 2026-07-28 sets the log level per request ({@code _meta}), so the level is kept and sent with each request. */
    private JsonNode setLevel(Object id, ObjectNode params) {
        logLevel = params.path("level").isTextual() ? params.get("level").asText() : null;
        return RelayMessages.result(id, null);
    }

    private JsonNode call(Object id, String method, ObjectNode params) throws IOException, InterruptedException {
        Object key = RelayMessages.idKey(id);
        ModernPost.Handle handle = new ModernPost.Handle();
        inFlight.put(key, handle);
        try {
            JsonNode schema = McpSchema.METHOD_TOOLS_CALL.equals(method) ? toolSchemas.get(params.path("name").asText()) : null;
            for (int round = 0; round <= MAX_INPUT_ROUNDS; round++) {
                JsonNode response = post.send(request(id, method, params), schema, handle, this::deliver);
                if (handle.cancelled) {
                    return null;
                }
                JsonNode result = response.path("result");
                if (!"input_required".equals(result.path("resultType").asText())) {
                    return answered(method, response);
                }
                Optional<JsonNode> failed = inputs.ask(result.path("inputRequests"), params, result.path("requestState"));
                if (failed.isPresent()) {
                    return RelayMessages.withId(failed.get(), id);
                }
            }
            return RelayMessages.error(id, McpSchema.ErrorCodes.INTERNAL_ERROR, "upstream " + name + " asked for input more than "
                    + MAX_INPUT_ROUNDS + " times for one " + method, null);
        } catch (IOException e) {
            if (handle.cancelled) {
                return null;
            }
            throw e;
        } finally {
            inFlight.remove(key);
        }
    }

    /** The upstream's response, as the 2025 era has it: without the revision's own {@code resultType}. */
    private JsonNode answered(String method, JsonNode response) {
        if (response.path("result") instanceof ObjectNode result) {
            result.remove("resultType");
            if (McpSchema.METHOD_TOOLS_LIST.equals(method)) {
                result.path("tools").forEach(tool -> toolSchemas.put(tool.path("name").asText(), tool.path("inputSchema")));
            }
        }
        return response;
    }

    private ObjectNode request(Object id, String method, ObjectNode params) {
        ObjectNode sent = params.deepCopy();
        ObjectNode meta = sent.path("_meta").isObject() ? (ObjectNode) sent.get("_meta") : sent.putObject("_meta");
        meta.put(ModernProtocol.PROTOCOL_VERSION_META, ModernProtocol.VERSION);
        meta.set(ModernProtocol.CLIENT_CAPABILITIES_META, clientCapabilities);
        if (clientInfo != null) {
            meta.set(ModernProtocol.CLIENT_INFO_META, clientInfo);
        }
        if (logLevel != null) {
            meta.put(ModernProtocol.LOG_LEVEL_META, logLevel);
        }
        ObjectNode request = JsonNodeFactory.instance.objectNode().put("jsonrpc", McpSchema.JSONRPC_VERSION);
        request.set("id", Json.shared().valueToTree(id));
        request.put("method", method);
        request.set("params", sent);
        return request;
    }

    private void notification(McpSchema.JSONRPCNotification notification) {
        if (ModernProtocol.CANCELLED.equals(notification.method()) && notification.params() != null) {
            JsonNode id = Json.shared().<JsonNode>valueToTree(notification.params()).path("requestId");
            Object requestId = id.isMissingNode() ? null : Json.id(id);
            ModernPost.Handle handle = requestId == null ? null : inFlight.get(RelayMessages.idKey(requestId));
            if (handle != null) {
                handle.cancel();
            }
        }
        // initialized, roots/list_changed and the rest have no 2026-07-28 counterpart to send.
    }

    private void deliver(JsonNode message) {
        Function<Mono<JSONRPCMessage>, Mono<JSONRPCMessage>> h = handler;
        if (message == null || h == null || closed) {
            return;
        }
        try {
            JSONRPCMessage typed = McpSchema.deserializeJsonRpcMessage(json, Json.shared().writeValueAsString(message));
            h.apply(Mono.just(typed)).subscribe(null, e -> log.debug("upstream {}: the client side refused a message: {}", name, e.toString()));
        } catch (IOException | RuntimeException e) {
            log.debug("upstream {}: an unreadable message was dropped: {}", name, e.toString());
        }
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(this::close);
    }

    @Override
    public void close() {
        closed = true;
        inFlight.values().forEach(ModernPost.Handle::cancel);
        ModernPost.Handle open = listening;
        if (open != null) {
            open.cancel();
        }
        Thread listener = listen;
        if (listener != null) {
            listener.interrupt();
        }
        inputs.close();
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return json.convertValue(data, typeRef);
    }
}
