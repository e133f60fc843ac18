package dev.mcpauth.tools;

import java.util.List;
import java.util.Objects;

/**
 * What {@code get_server_info} reports about this gateway.
 *
 * @param name             the server name announced in {@code initialize}
 * @param version          the server version
 * @param protocolVersions MCP protocol versions the server speaks, newest first
 * @param authMode         a one-line description of how callers are authenticated (e.g. "JWT via JWKS from https://issuer")
 * @param mcpEndpoint      the canonical MCP endpoint URL (the resource identifier, RFC 8707)
 * @param javaVersion      the Java runtime version
 */
public record ServerInfo(String name, String version, List<String> protocolVersions, String authMode, String mcpEndpoint,
                         String javaVersion) {

    public ServerInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        protocolVersions = List.copyOf(protocolVersions);
        Objects.requireNonNull(authMode, "authMode");
        Objects.requireNonNull(mcpEndpoint, "mcpEndpoint");
        Objects.requireNonNull(javaVersion, "javaVersion");
    }

    /** Server info for the running JVM's Java version. */
    public static ServerInfo of(String name, String version, List<String> protocolVersions, String authMode, String mcpEndpoint) {
        return new ServerInfo(name, version, protocolVersions, authMode, mcpEndpoint, Runtime.version().toString());
    }
}
