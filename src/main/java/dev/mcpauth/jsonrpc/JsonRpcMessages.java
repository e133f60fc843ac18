package dev.mcpauth.jsonrpc;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.Optional;

/**
 * The one gate every client message passes before any front or the SDK sees it, whatever the transport (Streamable
 * HTTP with or without sessions, MCP 2026-07-28, stdio): strict parsing, then the JSON-RPC 2.0 envelope
 * ({@link Envelope}), then the params of the MCP methods this gateway serves ({@link McpParams}).
 * A refusal is an {@link InvalidMessage} that names the field; nothing from a parser or the SDK reaches a client.
 */
public final class JsonRpcMessages {

    /**
     * Duplicate keys are a parse error: {@code {"name":"a","name":"b"}} must not mean one tool to the policy and
     * another to whatever parses it next. Trailing data after the value is one too.
     */
    private static final ObjectReader STRICT = JsonMapper.builder(
                    // Every message is parsed on a fresh virtual thread: buffers come from a bounded shared pool, not per thread.
                    JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedBoundedPool()).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build()
            .reader();

    private JsonRpcMessages() {
    }

    /** A body or line that is not one JSON value, with a message that says where (and nothing of the parser's own words). */
    public static final class ParseError extends Exception {
        private final transient InvalidMessage invalid;

        ParseError(String message) {
            super(message, null, false, false);
            this.invalid = InvalidMessage.parseError(message);
        }

        public InvalidMessage invalid() {
            return invalid;
        }
    }

    /** Parses exactly one JSON value; empty input is a parse error too. */
    public static JsonNode parse(byte[] bytes) throws ParseError {
        JsonNode json;
        try {
            json = STRICT.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new ParseError(where(e));
        } catch (IOException e) {
            throw new ParseError("Parse error: the message could not be read");
        }
        if (json == null || json.isMissingNode()) {
            throw new ParseError("Parse error: the message is empty");
        }
        return json;
    }

    public static JsonNode parse(String text) throws ParseError {
        return parse(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The first problem with a parsed message, or empty when the fronts may serve it. */
    public static Optional<InvalidMessage> problem(JsonNode message) {
        Optional<InvalidMessage> envelope = Envelope.problem(message);
        if (envelope.isPresent() || !message.has("method") || McpParams.removedInItsRevision(message)) {
            return envelope;
        }
        return McpParams.problem(message);
    }

    /** Jackson's own text can name its classes (nesting limits do): say only that it is not JSON, and where. */
    private static String where(JsonProcessingException e) {
        String duplicate = e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field") ? ", or repeats a key in one object" : "";
        JsonLocation at = e.getLocation();
        String position = at == null || at.getLineNr() < 1 ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        return "Parse error: the message is not one valid JSON value" + duplicate + position;
    }
}
