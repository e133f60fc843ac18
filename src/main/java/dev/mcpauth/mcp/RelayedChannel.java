package dev.mcpauth.mcp;

/** A {@link CallerChannel} of one request of a {@link RelayedSession}, which the relay can mark cancelled. */
abstract class RelayedChannel implements CallerChannel {

    private final RelayedSession session;
    private final Object requestId;
    private volatile boolean cancelled;

    RelayedChannel(RelayedSession session, Object requestId) {
        this.session = session;
        this.requestId = requestId;
    }

    @Override
    public final ClientSession session() {
        return session;
    }

    @Override
    public final Object requestId() {
        return requestId;
    }

    @Override
    public boolean cancelled() {
        return cancelled;
    }

    void cancel() {
        cancelled = true;
    }
}
