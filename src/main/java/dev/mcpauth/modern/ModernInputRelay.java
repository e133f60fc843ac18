package dev.mcpauth.modern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.mcp.CallerChannels;
import dev.mcpauth.mcp.ClientSession;
import dev.mcpauth.mcp.RelayMessages;
import dev.mcpauth.mcp.RequestContexts;
import dev.mcpauth.mcp.ToolCatalog;
import dev.mcpauth.token.AccessToken;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sampling, elicitation and roots for 2026-07-28 clients (basic/patterns/mrtr). A {@code tools/call},
 * {@code prompts/get} or {@code resources/read} from a client that declares one of those capabilities runs on an
 * upstream connection of the caller's own (one per issuer, subject and client,
 * as a 2025 session has one), so an upstream's request for input during the call belongs to that call. The front
 * answers it with an {@code input_required} result whose {@code requestState} is a random handle to the call waiting
 * here; the client's retry with {@code inputResponses} and that handle answers the upstream, and the call goes on.
 * A handle works only for the caller it was given to, once, for {@link #PENDING_FOR}; the call state lives in this
 * process, so behind a load balancer a retry must reach the same replica.
 */
final class ModernInputRelay implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModernInputRelay.class);
    /** How long one HTTP request waits for the call's end or its next input request. */
    static final Duration LEG_TIMEOUT = Duration.ofMinutes(5);
    /** How long a call waits for the client to come back with its input. */
    static final Duration PENDING_FOR = Duration.ofMinutes(5);
    /** Bounds on calls waiting for input: in all, and per caller. */
    static final int MAX_PENDING = 1024;
    static final int MAX_PENDING_PER_CALLER = 16;
    /** A caller's own upstream connections end after this long without a call. */
    static final Duration IDLE = Duration.ofMinutes(5);
    private static final String INPUT_KEY = "input";
    /** How often a call with a stream checks that its client is still there. */
    static final Duration KEEP_ALIVE = Duration.ofSeconds(1);

    /** What the front answers. */
    sealed interface Outcome permits Completed, Failed, NeedsInput {
    }

    record Completed(ObjectNode result) implements Outcome {
    }

    /** The request's error as the dispatch raised it (its data too: the scopes a refusal names), or the relay's own. */
    record Failed(McpError error) implements Outcome {
        Failed(int code, String message) {
            this(McpError.builder(code).message(message).build());
        }
    }

    record NeedsInput(ObjectNode result) implements Outcome {
    }

    private record Pending(ModernCall call, String caller, long expiresAt) {
    }

    /** A caller's stand-in for a session: what its bound upstream connections are keyed by. */
    private record Caller(String id, JsonNode capabilities) implements ClientSession {
        @Override
        public String protocolVersion() {
            return "2025-11-25";
        }

        @Override
        public void notify(String method, JsonNode params) {
        }

        @Override
        public CompletableFuture<JsonNode> request(String method, JsonNode params) {
            return CompletableFuture.failedFuture(new IllegalStateException("a 2026-07-28 client is asked for input only during a call"));
        }
    }

    private final ToolCatalog catalog;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Map<String, Caller> callers = new ConcurrentHashMap<>();
    private final Map<String, Long> lastUsed = new ConcurrentHashMap<>();
    private final Thread reaper;
    private volatile boolean closed;

    ModernInputRelay(ToolCatalog catalog) {
        this.catalog = catalog;
        this.reaper = Thread.ofVirtual().name("modern-input-reaper").start(this::reap);
    }

    /**
     * Whether this call runs on the caller's own upstream connection: there are upstreams to relay, and the client
     * declares a kind of input it can give, or asks for progress or log messages on a stream that can carry them.
     */
    boolean applies(JsonNode params, RequestStream stream) {
        JsonNode meta = params.path("_meta");
        JsonNode capabilities = meta.path(ModernProtocol.CLIENT_CAPABILITIES_META);
        boolean hears = stream != null && (meta.has("progressToken") || meta.has(ModernProtocol.LOG_LEVEL_META));
        return !catalog.relays().isEmpty()
                && (hears || capabilities.has("sampling") || capabilities.has("elicitation") || capabilities.has("roots"));
    }

    /**
     * Starts the request on a thread of its own with a channel in its context, and waits for its end or its first
     * input. {@code target}: what it names (the tool's or the prompt's name, the resource's URI), which a retry must
     * name too.
     */
    Outcome start(Object id, String method, String target, JsonNode params, McpTransportContext context, RequestStream stream,
                  Function<McpTransportContext, ObjectNode> invoke) throws InterruptedException {
        Caller caller = caller(context, params);
        ModernCall call = new ModernCall(caller, id, method, target);
        McpTransportContext withChannel = CallerChannels.with(context, call);
        // Listening before the call starts: what a quick upstream says at once (a log line as it begins) would
        // otherwise arrive before await() listens, and be dropped as said between requests.
        call.listen(stream, params.path("_meta"));
        Thread.ofVirtual().name("modern-call-" + method).start(() -> {
            try {
                call.done(invoke.apply(withChannel));
            } catch (McpError e) {
                call.failed(e);
            } catch (RuntimeException e) {
                call.failed(McpError.builder(McpSchema.ErrorCodes.INTERNAL_ERROR).message("The call failed: " + e.getMessage()).build());
            }
        });
        return await(call, caller.id(), params, stream);
    }

    /**
     * A retry that carries {@code requestState}: answers the upstream's input and waits for what comes next. The retry
     * must be the same request: the same method and what it names ({@code target}).
     */
    Outcome resume(String method, String target, JsonNode params, McpTransportContext context, RequestStream stream) throws InterruptedException {
        String handle = params.path("requestState").asText("");
        Pending waiting = pending.remove(handle);
        Caller caller = caller(context, params);
        if (waiting == null || !waiting.caller().equals(caller.id()) || waiting.expiresAt() < System.nanoTime()) {
            if (waiting != null) {
                // Not this caller's: put it back for its owner (a handle is secret, but never let a guess spend it).
                pending.put(handle, waiting);
            }
            return new Failed(ModernProtocol.INVALID_PARAMS, "Invalid params: requestState is unknown or has expired;"
                    + " send the request again without requestState and inputResponses");
        }
        if (!waiting.call().method().equals(method) || !waiting.call().target().equals(target)) {
            pending.put(handle, waiting);
            return new Failed(ModernProtocol.INVALID_PARAMS, "Invalid params: requestState belongs to a " + waiting.call().method()
                    + " of '" + waiting.call().target() + "'");
        }
        JsonNode answer = params.path("inputResponses").path(INPUT_KEY);
        waiting.call().answer(answer.isObject() ? RelayMessages.result(null, answer)
                : RelayMessages.error(null, McpSchema.ErrorCodes.INVALID_PARAMS, "The client sent no answer to the request for input", null));
        return await(waiting.call(), caller.id(), params, stream);
    }

    /** Waits for the call's end or its next input request, relaying what it says meanwhile to {@code stream}. */
    private Outcome await(ModernCall call, String caller, JsonNode params, RequestStream stream) throws InterruptedException {
        lastUsed.put(caller, System.nanoTime());
        call.listen(stream, params.path("_meta"));
        ModernCall.Event event;
        try {
            event = next(call, stream);
        } finally {
            call.listen(null, null);
        }
        return switch (event) {
            case null -> {
                call.abandon();
                yield new Failed(McpSchema.ErrorCodes.INTERNAL_ERROR, "The upstream did not answer within " + LEG_TIMEOUT.toMinutes() + " minutes");
            }
            case ModernCall.Gone gone -> new Failed(McpSchema.ErrorCodes.INTERNAL_ERROR, "The client went away");
            case ModernCall.Done done -> new Completed(done.result());
            case ModernCall.Failed failed -> new Failed(failed.error());
            case ModernCall.Input input -> needsInput(call, caller, input);
        };
    }

    /**
     * The call's next event within {@link #LEG_TIMEOUT}, or null. With a stream, checks every {@link #KEEP_ALIVE}
     * that the client is still there; when it is not, the upstream gets {@code notifications/cancelled} for the call
     * (what the 2025 relay sends when a client cancels), as a closed stream is a 2026-07-28 client's cancellation.
     */
    private ModernCall.Event next(ModernCall call, RequestStream stream) throws InterruptedException {
        if (stream == null) {
            return call.next(LEG_TIMEOUT);
        }
        long deadline = System.nanoTime() + LEG_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            ModernCall.Event event = call.next(KEEP_ALIVE);
            if (event != null) {
                return event;
            }
            if (!stream.alive()) {
                call.abandon();
                catalog.relays().forEach(relay -> relay.cancelled(call.session(), call.requestId(), "the client closed the request's stream"));
                return new ModernCall.Gone();
            }
        }
        return null;
    }

    private Outcome needsInput(ModernCall call, String caller, ModernCall.Input input) {
        expire();
        long mine = pending.values().stream().filter(p -> p.caller().equals(caller)).count();
        if (pending.size() >= MAX_PENDING || mine >= MAX_PENDING_PER_CALLER) {
            call.abandon();
            return new Failed(McpSchema.ErrorCodes.INTERNAL_ERROR, "Too many calls are waiting for input; try again later");
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String handle = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        pending.put(handle, new Pending(call, caller, System.nanoTime() + PENDING_FOR.toNanos()));
        ObjectNode result = JsonNodeFactory.instance.objectNode().put("resultType", "input_required");
        ObjectNode request = result.putObject("inputRequests").putObject(INPUT_KEY);
        request.put("method", input.method());
        request.set("params", input.params());
        result.put("requestState", handle);
        return new NeedsInput(result);
    }

    /** The caller's stand-in session: one per issuer, subject and client, with the capabilities of its first call. */
    private Caller caller(McpTransportContext context, JsonNode params) {
        AccessToken token = RequestContexts.accessToken(context);
        String who = token == null ? "anonymous" : token.issuer() + "\n" + token.subject() + "\n" + token.clientId();
        String id = "modern-" + HexFormat.of().formatHex(sha256(who), 0, 16);
        JsonNode capabilities = params.path("_meta").path(ModernProtocol.CLIENT_CAPABILITIES_META);
        return callers.computeIfAbsent(id, k -> new Caller(k, capabilities.isObject() ? capabilities.deepCopy() : JsonNodeFactory.instance.objectNode()));
    }

    private void expire() {
        long now = System.nanoTime();
        pending.entrySet().removeIf(e -> {
            if (e.getValue().expiresAt() < now) {
                e.getValue().call().abandon();
                return true;
            }
            return false;
        });
    }

    /** Ends the upstream connections of callers idle for {@link #IDLE}. */
    private void reap() {
        while (!closed) {
            try {
                Thread.sleep(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                return;
            }
            expire();
            long now = System.nanoTime();
            lastUsed.forEach((id, at) -> {
                boolean waiting = pending.values().stream().anyMatch(p -> p.caller().equals(id));
                if (!waiting && now - at > IDLE.toNanos()) {
                    end(id);
                }
            });
        }
    }

    private void end(String id) {
        lastUsed.remove(id);
        Caller caller = callers.remove(id);
        if (caller != null) {
            log.debug("2026-07-28 caller {} idle: its upstream connections end", id);
            catalog.relays().forEach(relay -> relay.closed(caller));
        }
    }

    @Override
    public void close() {
        closed = true;
        reaper.interrupt();
        pending.values().forEach(p -> p.call().abandon());
        pending.clear();
        callers.keySet().forEach(this::end);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
