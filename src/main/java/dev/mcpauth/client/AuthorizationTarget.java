package dev.mcpauth.client;

import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import java.net.URI;
import java.util.List;

/**
 * What discovery found: the protected resource (when we started from an MCP URL) and the authorization server
 * that issues tokens for it.
 *
 * @param resource            the resource identifier to request tokens for (RFC 8707), or null when unknown
 * @param scopesSupported     the scopes the resource metadata advertises (may be empty)
 * @param challengedScopes    the {@code scope} of the 401 challenge (RFC 6750 §3; may be empty)
 * @param authorizationServer the AS metadata (RFC 8414 / OIDC discovery)
 */
public record AuthorizationTarget(URI resource, List<String> scopesSupported, List<String> challengedScopes,
        AuthorizationServerMetadata authorizationServer) {
}
