package dev.mcpauth.modern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Which protocol era one message belongs to (MCP 2026-07-28, basic/versioning, "Backward Compatibility"). A dual-era
 * server decides per request: a request carrying the modern per-request {@code _meta} (or, on HTTP, a modern
 * {@code MCP-Protocol-Version}) is served statelessly; {@code initialize} and everything else keep legacy semantics.
 */
public enum ProtocolEra {
    /** 2025-11-25 and earlier: an initialize handshake, then a session. */
    LEGACY,
    /** 2026-07-28 and later: every request carries its version and capabilities. */
    MODERN;

    private static final String INITIALIZE = "initialize";

    /**
     * The era of a message.
     *
     * @param versionHeader the {@code MCP-Protocol-Version} header, or null (stdio has no headers)
     * @param body          the JSON-RPC message (or, on HTTP, possibly a legacy batch)
     */
    public static ProtocolEra of(String versionHeader, JsonNode body) {
        if (body.isObject() && INITIALIZE.equals(body.path("method").asText(null))) {
            return LEGACY;
        }
        if (body.isObject() && body.path("params").path("_meta").has(ModernProtocol.PROTOCOL_VERSION_META)) {
            return MODERN;
        }
        return ModernProtocol.isModern(versionHeader) ? MODERN : LEGACY;
    }
}
