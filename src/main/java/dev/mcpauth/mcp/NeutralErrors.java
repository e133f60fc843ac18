package dev.mcpauth.mcp;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last guard on every reply the SDK server writes: the SDK answers an exception that is not an {@code McpError}
 * with {@code -32603} and the exception's own message, which can name Java types (Jackson's "Cannot construct
 * instance of ..."). An error whose message looks like that leaves as a bare {@code -32603 Internal error}, and the
 * original goes to the log on one line. The edge ({@link dev.mcpauth.jsonrpc.JsonRpcMessages}) keeps malformed input
 * from getting that far; this catches whatever it did not foresee.
 */
final class NeutralErrors {

    private static final Logger log = LoggerFactory.getLogger(NeutralErrors.class);
    static final String INTERNAL_ERROR = "Internal error";

    /** A qualified Java name, a nested-class dollar, a "...Exception" word, or a stack frame. */
    private static final Pattern JAVA_TEXT = Pattern.compile(
            "\\b(?:java|javax|jdk|sun|com\\.fasterxml|io\\.modelcontextprotocol|io\\.undertow|reactor|dev\\.mcpauth|org\\.slf4j)\\.\\w"
                    + "|\\w\\$\\w|\\w+Exception\\b|\\bat [\\w$.]+\\(|McpSchema");

    private NeutralErrors() {
    }

    static McpSchema.JSONRPCMessage apply(McpSchema.JSONRPCMessage message) {
        if (!(message instanceof McpSchema.JSONRPCResponse response) || response.error() == null || !leaks(response.error())) {
            return message;
        }
        log.warn("a reply to request {} carried internal details; sent as a bare internal error instead: {}", response.id(),
                oneLine(response.error().message()));
        return new McpSchema.JSONRPCResponse(McpSchema.JSONRPC_VERSION, response.id(), null,
                new McpSchema.JSONRPCResponse.JSONRPCError(McpSchema.ErrorCodes.INTERNAL_ERROR, INTERNAL_ERROR, null));
    }

    static boolean leaks(McpSchema.JSONRPCResponse.JSONRPCError error) {
        String data = error.data() == null ? "" : String.valueOf(error.data());
        return error.message() != null && JAVA_TEXT.matcher(error.message()).find() || JAVA_TEXT.matcher(data).find();
    }

    private static String oneLine(String text) {
        String line = text == null ? "" : text.lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
