package dev.mcpauth.tools;

/**
 * A tool argument the caller got wrong. Thrown inside a tool and turned into a result with {@code isError: true}
 * by {@link Results#guarded}, so user mistakes never escape as exceptions (MCP tools: tool execution errors).
 */
final class BadArgument extends Exception {

    BadArgument(String message) {
        super(message, null, false, false);
    }
}
