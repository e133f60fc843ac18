package dev.mcpauth.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.json.Json;
import dev.mcpauth.mcp.RelayMessages;
import dev.mcpauth.http.HeaderValueEncoding;
import dev.mcpauth.modern.McpParamHeaders;
import dev.mcpauth.modern.ModernProtocol;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One MCP 2026-07-28 request to an HTTP upstream (streamable-http): a POST with the headers that mirror the body
 * ({@code MCP-Protocol-Version}, {@code Mcp-Method}, {@code Mcp-Name}, {@code Mcp-Param-*}) and the gateway's bearer
 * token, answered by one JSON message or by an event stream whose notifications come before the response. A 401 or
 * 403 asks the {@link TokenSource} once whether to retry with its next token (RFC 6750 section 3).
 */
final class ModernPost {

    /** Bounds on what an upstream may make the gateway buffer: one JSON body, one event. */
    static final int MAX_BODY_BYTES = 32 * 1024 * 1024;

    private final URI endpoint;
    private final HttpClient http;
    private final TokenSource tokens;
    private final AtomicReference<String> refusal;

    /** @param tokens the gateway's own credentials at the upstream, or null to send none */
    ModernPost(URI endpoint, HttpClient http, TokenSource tokens, AtomicReference<String> refusal) {
        this.endpoint = endpoint;
        this.http = http;
        this.tokens = tokens;
        this.refusal = refusal;
    }

    /** Where an exchange in flight keeps its body, so a cancellation can close it. */
    static final class Handle {
        volatile java.util.concurrent.CompletableFuture<?> exchange;
        volatile InputStream body;
        volatile boolean cancelled;

        void cancel() {
            cancelled = true;
            // Before the response headers: abort the exchange; after: close the body being read.
            java.util.concurrent.CompletableFuture<?> pending = exchange;
            if (pending != null) {
                pending.cancel(true);
            }
            InputStream open = body;
            if (open != null) {
                try {
                    open.close();
                } catch (IOException ignored) {
                    // closing is all a cancellation can do; the reader sees the stream end
                }
            }
        }
    }

    /**
     * Sends the request and returns its JSON-RPC response; notifications the upstream streams before it go to
     * {@code notifications}. An HTTP failure without a JSON-RPC body becomes a JSON-RPC error naming the status.
     *
     * @param toolSchema the called tool's {@code inputSchema} ({@code tools/call}), for {@code Mcp-Param-*}; may be null
     */
    JsonNode send(ObjectNode request, JsonNode toolSchema, Handle handle, Consumer<JsonNode> notifications)
            throws IOException, InterruptedException {
        byte[] body = Json.shared().writeValueAsBytes(request);
        List<String[]> mirrored = headers(request, toolSchema);
        // W3C Trace Context over HTTP: the request's _meta.traceparent is also its traceparent header.
        String traceparent = TraceHeader.of(request);
        for (int attempt = 0; ; attempt++) {
            HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream");
            mirrored.forEach(h -> builder.header(h[0], h[1]));
            if (traceparent != null) {
                builder.header("traceparent", traceparent);
            }
            String sent = null;
            if (tokens != null) {
                sent = tokens.current();
                builder.header("Authorization", "Bearer " + sent);
            }
            java.util.concurrent.CompletableFuture<HttpResponse<InputStream>> exchange =
                    http.sendAsync(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
            handle.exchange = exchange;
            if (handle.cancelled) {
                exchange.cancel(true);
            }
            HttpResponse<InputStream> response;
            try {
                response = exchange.get();
            } catch (java.util.concurrent.CancellationException e) {
                throw new IOException("cancelled");
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            } catch (InterruptedException e) {
                exchange.cancel(true);
                throw e;
            }
            handle.body = response.body();
            int status = response.statusCode();
            if ((status == 401 || status == 403) && tokens != null) {
                String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
                refusal.set("HTTP " + status + (challenge.isEmpty() ? "" : ", WWW-Authenticate: " + UpstreamSession.printable(challenge)));
                response.body().close();
                if (attempt == 0 && tokens.rejected(status, challenge, sent)) {
                    continue;
                }
                return failure(request, status, refusal.get());
            }
            return read(request, response, notifications);
        }
    }

    private JsonNode read(ObjectNode request, HttpResponse<InputStream> response, Consumer<JsonNode> notifications) throws IOException {
        String type = response.headers().firstValue("Content-Type").orElse("");
        try (InputStream in = response.body()) {
            if (type.startsWith("text/event-stream")) {
                AtomicReference<JsonNode> answer = new AtomicReference<>();
                SseEvents.read(in, MAX_BODY_BYTES, data -> {
                    JsonNode message = parse(data);
                    if (message == null) {
                        return;
                    }
                    if (message.has("id") && (message.has("result") || message.has("error"))) {
                        answer.set(message);
                    } else if (message.path("method").isTextual() && !message.has("id")) {
                        notifications.accept(message);
                    }
                    // 2026-07-28 has no server-to-client requests on a response stream: input is asked for by
                    // an input_required result (basic/patterns/mrtr), so anything else is ignored.
                });
                return answer.get() != null ? answer.get()
                        : failure(request, response.statusCode(), "the upstream's stream ended without a response");
            }
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            JsonNode message = bytes.length > MAX_BODY_BYTES ? null : parse(new String(bytes, StandardCharsets.UTF_8));
            if (message != null && (message.has("result") || message.has("error"))) {
                return message;
            }
            return failure(request, response.statusCode(), "HTTP " + response.statusCode() + " without a JSON-RPC response");
        }
    }

    private static JsonNode parse(String text) {
        try {
            JsonNode node = Json.shared().readTree(text);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static JsonNode failure(ObjectNode request, int status, String why) {
        return RelayMessages.error(Json.id(request.get("id")),
                McpSchema.ErrorCodes.INTERNAL_ERROR, "The upstream did not answer " + request.path("method").asText()
                        + " (HTTP " + status + "): " + why, null);
    }

    /**
     * The headers that mirror the body (streamable-http, "Standard MCP Request Headers" and "Custom Headers from
     * Tool Parameters"), so the upstream's own header checks pass.
     */
    static List<String[]> headers(ObjectNode request, JsonNode toolSchema) {
        String method = request.path("method").asText();
        JsonNode params = request.path("params");
        java.util.ArrayList<String[]> headers = new java.util.ArrayList<>();
        headers.add(new String[] {ModernProtocol.PROTOCOL_VERSION_HEADER, ModernProtocol.VERSION});
        headers.add(new String[] {ModernProtocol.METHOD_HEADER, method});
        if (ModernProtocol.hasNameHeader(method)) {
            JsonNode name = ModernProtocol.RESOURCES_READ.equals(method) ? params.path("uri") : params.path("name");
            if (name.isTextual()) {
                headers.add(new String[] {ModernProtocol.NAME_HEADER, HeaderValueEncoding.encode(name.asText())});
            }
        }
        if (toolSchema != null) {
            for (McpParamHeaders.Param param : McpParamHeaders.declared(toolSchema)) {
                JsonNode value = params.path("arguments");
                for (String key : param.path()) {
                    value = value.path(key);
                }
                if (value.isValueNode() && !value.isNull()) {
                    headers.add(new String[] {param.header(), HeaderValueEncoding.encode(value.asText())});
                }
            }
        }
        return headers;
    }
}
