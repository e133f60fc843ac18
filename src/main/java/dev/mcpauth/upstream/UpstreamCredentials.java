package dev.mcpauth.upstream;

import java.net.URI;
import java.util.Objects;

/**
 * What the gateway presents to a Streamable HTTP upstream. These are the gateway's own credentials: the
 * caller's token is never passed through (MCP authorization spec, "Access Token Privilege Restriction":
 * token passthrough is forbidden).
 */
public sealed interface UpstreamCredentials {

    /** No {@code Authorization} header (an upstream on a trusted network, or one that needs none). */
    record None() implements UpstreamCredentials {
    }

    /** A fixed bearer token (RFC 6750 section 2.1). */
    record StaticBearer(String token) implements UpstreamCredentials {
        public StaticBearer {
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("a static bearer token for an upstream must not be empty");
            }
        }

        @Override
        public String toString() {
            return "StaticBearer[token=***]";
        }
    }

    /**
     * The OAuth 2.1 client credentials grant (RFC 6749 section 4.4): the gateway fetches a token from
     * {@code tokenEndpoint}, caches it and fetches a new one before it expires.
     *
     * @param scope space-separated scopes to ask for; null or blank to ask for the client's default
     */
    record ClientCredentials(URI tokenEndpoint, String clientId, String clientSecret, String scope) implements UpstreamCredentials {
        public ClientCredentials {
            Objects.requireNonNull(tokenEndpoint, "client_credentials needs a token endpoint");
            if (clientId == null || clientId.isBlank() || clientSecret == null || clientSecret.isEmpty()) {
                throw new IllegalArgumentException("client_credentials needs a client id and a client secret");
            }
            String scheme = tokenEndpoint.getScheme();
            if (!"https".equalsIgnoreCase(scheme) && !UpstreamSpec.isLoopback(tokenEndpoint)) {
                throw new IllegalArgumentException("token endpoint " + tokenEndpoint + " must use https (plain http only on loopback)");
            }
        }

        @Override
        public String toString() {
            return "ClientCredentials[tokenEndpoint=" + tokenEndpoint + ", clientId=" + clientId + ", clientSecret=***, scope=" + scope + "]";
        }
    }

    /** A token kept fresh by something else, e.g. the login session of {@code mcp-auth connect}. */
    record Provided(TokenSource source) implements UpstreamCredentials {
        public Provided {
            Objects.requireNonNull(source, "a token source");
        }

        @Override
        public String toString() {
            return "Provided[token=***]";
        }
    }

    static UpstreamCredentials none() {
        return new None();
    }
}
