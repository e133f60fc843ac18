package dev.mcpauth.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a source that keeps a connection per client session (an upstream server) hears about those sessions, and how
 * requests that no catalog handler covers reach it. The fronts tell every registered relay (see
 * {@link ToolCatalog#relays()}) about cancellations, log levels, root changes and session ends; the relay dispatch
 * routes {@code completion/complete} and {@code resources/subscribe|unsubscribe} to the relay owning the prompt or
 * resource, after the policy allowed them.
 */
public interface SessionRelay {

    /** The client cancelled one of its requests ({@code notifications/cancelled}). */
    void cancelled(ClientSession session, Object requestId, String reason);

    /** The client set its log level ({@code logging/setLevel}); applies to this session's upstream connections. */
    void logLevel(ClientSession session, JsonNode params);

    /** The client's roots changed ({@code notifications/roots/list_changed}). */
    void rootsChanged(ClientSession session);

    /** The session ended (deleted, expired or its connection closed): its upstream connections end too. */
    void closed(ClientSession session);

    /**
     * Forwards one request on the session's own connection to this source (opened if needed) and returns the
     * source's whole response message. {@code params} already name the source's own prompt or URI.
     */
    JsonNode forward(CallerChannel caller, String method, ObjectNode params) throws Exception;

    /** A catalog handler backed by a {@link SessionRelay}: the relay and the name the source knows the entry by. */
    interface Relayed {
        SessionRelay relay();

        String originalName();
    }
}
