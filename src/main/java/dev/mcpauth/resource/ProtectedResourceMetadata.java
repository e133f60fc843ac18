package dev.mcpauth.resource;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.http.JsonErrors;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The OAuth 2.0 Protected Resource Metadata document of this MCP server (RFC 9728 section 2), which tells
 * clients which authorization servers issue tokens for it (MCP authorization, "Authorization Server Location").
 *
 * @param resource               the resource identifier: the canonical MCP URL, e.g. {@code https://host/mcp}
 * @param authorizationServers   issuer URLs of the authorization servers; MCP clients need at least one to log in.
 *                               Empty only for the shared-secret layout, where tokens come from outside OAuth
 *                               (RFC 9728 section 2 makes the member optional; it is then left out)
 * @param scopesSupported        scopes a client may request for this resource (may be empty: left out)
 * @param resourceName           a human-readable name (may be null)
 * @param resourceDocumentation  a page describing the resource (may be null)
 */
public record ProtectedResourceMetadata(
        URI resource,
        List<URI> authorizationServers,
        Set<String> scopesSupported,
        String resourceName,
        URI resourceDocumentation) {

    public static final String WELL_KNOWN = "/.well-known/oauth-protected-resource";

    public ProtectedResourceMetadata {
        Objects.requireNonNull(resource, "resource");
        if (!resource.isAbsolute() || resource.getRawFragment() != null) {
            // RFC 9728 section 1.2: an absolute URL with no fragment.
            throw new IllegalArgumentException("resource must be an absolute URL without a fragment: " + resource);
        }
        authorizationServers = List.copyOf(authorizationServers);
        scopesSupported = scopesSupported == null ? Set.of() : Set.copyOf(new TreeSet<>(scopesSupported));
    }

    /**
     * The path-inserted well-known path (RFC 9728 section 3.1): {@code /.well-known/oauth-protected-resource/mcp}
     * for {@code https://host/mcp}, and the bare well-known path for a resource at the root.
     */
    public String metadataPath() {
        String path = resource.getRawPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            return WELL_KNOWN;
        }
        return WELL_KNOWN + (path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
    }

    /** The URL clients are pointed to by {@code resource_metadata} in every challenge. */
    public URI metadataUrl() {
        return URI.create(origin() + metadataPath());
    }

    /**
     * Every path the document is served at: the path-inserted form, then the root form that MCP clients
     * fall back to (MCP authorization, "Protected Resource Metadata Discovery Requirements").
     */
    public List<String> paths() {
        List<String> paths = new ArrayList<>();
        paths.add(metadataPath());
        if (!paths.contains(WELL_KNOWN)) {
            paths.add(WELL_KNOWN);
        }
        return paths;
    }

    public ObjectNode toJson() {
        ObjectNode doc = JsonErrors.MAPPER.createObjectNode();
        doc.put("resource", resource.toString());
        if (!authorizationServers.isEmpty()) {
            ArrayNode servers = doc.putArray("authorization_servers");
            authorizationServers.forEach(as -> servers.add(as.toString()));
        }
        if (!scopesSupported.isEmpty()) {
            ArrayNode scopes = doc.putArray("scopes_supported");
            new TreeSet<>(scopesSupported).forEach(scopes::add);
        }
        // MCP authorization: tokens only in the Authorization header (OAuth 2.1 section 5.1.1).
        doc.putArray("bearer_methods_supported").add("header");
        if (resourceName != null && !resourceName.isBlank()) {
            doc.put("resource_name", resourceName);
        }
        if (resourceDocumentation != null) {
            doc.put("resource_documentation", resourceDocumentation.toString());
        }
        return doc;
    }

    private String origin() {
        String scheme = resource.getScheme().toLowerCase(java.util.Locale.ROOT);
        return scheme + "://" + resource.getRawAuthority();
    }
}
