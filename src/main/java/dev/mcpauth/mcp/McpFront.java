package dev.mcpauth.mcp;

/** A server that answers one protocol era's clients and is closed when the gateway stops (or reloads). */
public interface McpFront extends AutoCloseable {

    /** Ends the front's sessions and streams; requests after it are refused. Never throws. */
    @Override
    void close();
}
