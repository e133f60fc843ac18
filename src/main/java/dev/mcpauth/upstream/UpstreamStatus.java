package dev.mcpauth.upstream;

/** Where an upstream MCP server is in its life, as shown by {@code /health}. */
public enum UpstreamStatus {
    /** The first connection attempt is running (child process starting, or first {@code initialize}). */
    STARTING,
    /** Connected and initialized; its tools are published and calls go through. */
    UP,
    /** The connection was lost or an attempt failed; the gateway retries with backoff (calls get a clear error meanwhile). */
    RESTARTING,
    /** Stopped by the gateway ({@link UpstreamConnection#stop()}); no further attempts. */
    DOWN
}
