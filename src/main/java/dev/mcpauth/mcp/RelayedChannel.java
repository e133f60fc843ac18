package dev.mcpauth.mcp;

/** A {@link CallerChannel} the relay can mark cancelled. */
abstract class RelayedChannel implements CallerChannel {

    private volatile boolean cancelled;

    @Override
    public boolean cancelled() {
        return cancelled;
    }

    void cancel() {
        cancelled = true;
    }
}
