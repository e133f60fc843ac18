package dev.mcpauth.mcp;

import dev.mcpauth.policy.Policy;
import java.time.Clock;
import java.util.Objects;

/**
 * Puts the gateway's one {@link McpDispatch} (the {@link ToolCatalog} under the {@link Policy}) behind the fronts
 * with sessions: Streamable HTTP ({@link UndertowStreamableTransport}) and stdio ({@link StdioServerTransport}).
 * Each front is given its {@link SessionAnswers} (the dispatch and the relay's own requests) and a
 * {@link GatewayMcpServer} that tells its sessions when the catalog's lists change. The sessionless fronts
 * ({@link StatelessMcpHandler}, the 2026-07-28 server) answer through the same {@link #dispatch()}.
 */
public final class McpServerFactory {

    private final ToolCatalog catalog;
    private final String serverName;
    private final String serverVersion;
    private final McpDispatch dispatch;
    private final ScopeGuard guard;

    /**
     * @param scopeUpgradeEndpoint where a client can obtain more scopes (named in insufficient-scope errors); may be null
     */
    public McpServerFactory(ToolCatalog catalog, Policy policy, String serverName, String serverVersion,
            String scopeUpgradeEndpoint) {
        this(catalog, policy, serverName, serverVersion, scopeUpgradeEndpoint, Clock.systemUTC());
    }

    public McpServerFactory(ToolCatalog catalog, Policy policy, String serverName, String serverVersion,
            String scopeUpgradeEndpoint, Clock clock) {
        this.catalog = Objects.requireNonNull(catalog);
        this.serverName = Objects.requireNonNull(serverName);
        this.serverVersion = Objects.requireNonNull(serverVersion);
        this.dispatch = new McpDispatch(catalog, Objects.requireNonNull(policy), scopeUpgradeEndpoint, clock, new ToolSchemas());
        this.guard = new ScopeGuard(policy, scopeUpgradeEndpoint, clock);
    }

    /** Sessions over Streamable HTTP. */
    public GatewayMcpServer streamable(UndertowStreamableTransport transport) {
        transport.answerWith(answers(transport.relay()));
        return new GatewayMcpServer(catalog, transport::notifyAll, transport::close);
    }

    /** The one session of a stdio client. */
    public GatewayMcpServer singleSession(StdioServerTransport transport) {
        transport.answerWith(answers(transport.relay()));
        return new GatewayMcpServer(catalog, transport::notifyAll, () -> {
        });
    }

    /** The dispatch of the methods every front shares: the sessionless fronts answer through it too. */
    public McpDispatch dispatch() {
        return dispatch;
    }

    private SessionAnswers answers(RelayTap relay) {
        relay.wire(new RelayRequests(catalog, guard), catalog::relays);
        return new SessionAnswers(dispatch, relay, serverName, serverVersion);
    }
}
