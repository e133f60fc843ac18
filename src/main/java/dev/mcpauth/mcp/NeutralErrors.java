package dev.mcpauth.mcp;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.regex.Pattern;

/**
 * The last guard on every error the gateway answers with ({@link McpDispatch#failure}): an error relayed from an
 * upstream or thrown by a library can carry text that names Java types (Jackson's "Cannot construct instance of
 * ..."). An error whose message looks like that leaves as a bare {@code -32603 Internal error}, and the original
 * goes to the log on one line. The edge ({@link dev.mcpauth.jsonrpc.JsonRpcMessages}) keeps malformed input
 * from getting that far; this catches whatever it did not foresee.
 */
final class NeutralErrors {

    static final String INTERNAL_ERROR = "Internal error";

    /** A qualified Java name, a nested-class dollar, a "...Exception" word, or a stack frame. */
    private static final Pattern JAVA_TEXT = Pattern.compile(
            "\\b(?:java|javax|jdk|sun|com\\.fasterxml|io\\.modelcontextprotocol|io\\.undertow|reactor|dev\\.mcpauth|org\\.slf4j)\\.\\w"
                    + "|\\w\\$\\w|\\w+Exception\\b|\\bat [\\w$.]+\\(|McpSchema");

    private NeutralErrors() {
    }

    static boolean leaks(McpSchema.JSONRPCResponse.JSONRPCError error) {
        String data = error.data() == null ? "" : String.valueOf(error.data());
        return error.message() != null && JAVA_TEXT.matcher(error.message()).find() || JAVA_TEXT.matcher(data).find();
    }

    /** The first line of a message, at most 300 characters: how a leaking message goes to the log. */
    static String oneLine(String text) {
        String line = text == null ? "" : text.lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
