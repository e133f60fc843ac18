package dev.mcpauth.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.mcp.RelayMessages;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One multi-round-trip step (MCP 2026-07-28, basic/patterns/mrtr) turned into what a 2025-era client knows: each
 * embedded input request of an {@code input_required} result goes to the client as a server-to-client request, and
 * the answers become the {@code inputResponses} (bare results, keyed as the upstream keyed the requests) of the
 * retried request, with the upstream's {@code requestState} echoed verbatim.
 */
final class InputRounds {

    /** The only kinds of input a server may ask for (InputRequest: sampling, roots, elicitation). */
    static final Set<String> INPUT_METHODS = Set.of(McpSchema.METHOD_SAMPLING_CREATE_MESSAGE, McpSchema.METHOD_ROOTS_LIST,
            McpSchema.METHOD_ELICITATION_CREATE);
    /** How long a person may take to answer an elicitation; the relay's own call timeout usually ends it first. */
    static final Duration ANSWER_TIMEOUT = Duration.ofMinutes(10);

    private final Consumer<JsonNode> toClient;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Object, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();

    InputRounds(Consumer<JsonNode> toClient) {
        this.toClient = toClient;
    }

    /**
     * Asks the client for every input request and prepares {@code params} for the retry. Blocks until all are
     * answered. Returns the error response to give the original request when an input cannot be had, else empty.
     */
    Optional<JsonNode> ask(JsonNode inputRequests, ObjectNode params, JsonNode requestState) throws InterruptedException {
        Map<String, CompletableFuture<JsonNode>> answers = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : inputRequests.properties()) {
            String method = entry.getValue().path("method").asText();
            if (!INPUT_METHODS.contains(method)) {
                return Optional.of(RelayMessages.error(null, McpSchema.ErrorCodes.INTERNAL_ERROR,
                        "The upstream asked for input the protocol does not define: '" + method + "'", null));
            }
            String id = "input-" + ids.incrementAndGet();
            CompletableFuture<JsonNode> answer = new CompletableFuture<>();
            waiting.put(id, answer);
            answers.put(entry.getKey(), answer);
            ObjectNode request = JsonNodeFactory.instance.objectNode().put("jsonrpc", McpSchema.JSONRPC_VERSION).put("id", id).put("method", method);
            request.set("params", entry.getValue().path("params").isObject() ? entry.getValue().get("params") : JsonNodeFactory.instance.objectNode());
            toClient.accept(request);
        }
        ObjectNode responses = JsonNodeFactory.instance.objectNode();
        try {
            for (Map.Entry<String, CompletableFuture<JsonNode>> entry : answers.entrySet()) {
                JsonNode response = entry.getValue().get(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (response.has("error")) {
                    return Optional.of(response);
                }
                responses.set(entry.getKey(), response.path("result"));
            }
        } catch (ExecutionException | TimeoutException e) {
            return Optional.of(RelayMessages.error(null, McpSchema.ErrorCodes.INTERNAL_ERROR,
                    "The client did not answer the upstream's request for input: " + (e instanceof TimeoutException ? "timed out" : e.getCause().getMessage()), null));
        } finally {
            answers.values().forEach(f -> f.cancel(false));
            waiting.values().removeIf(CompletableFuture::isDone);
        }
        params.set("inputResponses", responses);
        if (requestState.isTextual()) {
            params.set("requestState", requestState);
        } else {
            params.remove("requestState");
        }
        return Optional.empty();
    }

    /** A response from the client: the answer to one input request, or nothing this peer asked. */
    void answered(JsonNode response) {
        CompletableFuture<JsonNode> answer = waiting.remove(RelayMessages.idKey(response.path("id").asText()));
        if (answer != null) {
            answer.complete(response);
        }
    }

    /** The connection ended: nothing more will be answered. */
    void close() {
        waiting.values().forEach(f -> f.completeExceptionally(new IllegalStateException("the connection to the upstream was closed")));
        waiting.clear();
    }
}
