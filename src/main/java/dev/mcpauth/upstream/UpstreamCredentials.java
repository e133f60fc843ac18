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

    /**
     * On the caller's behalf (RFC 8693 token exchange): each caller's token is exchanged for one bound to the upstream,
     * and that caller's tool calls travel on a connection of its own carrying the exchanged token ({@link CallerSessions}).
     * The caller's own token never reaches the upstream.
     *
     * @param own the gateway's own credential, for the shared connection that lists what the upstream offers (and
     *            serves prompts and resources, which carry no caller); {@link None} when listing needs none
     */
    record OnBehalfOf(TokenExchange exchange, UpstreamCredentials own) implements UpstreamCredentials {
        public OnBehalfOf {
            Objects.requireNonNull(exchange, "a token exchange");
            own = own == null ? new None() : own;
            if (own instanceof OnBehalfOf) {
                throw new IllegalArgumentException("the gateway's own credential cannot itself be on a caller's behalf");
            }
        }
    }

    /**
     * Where and as whom the gateway exchanges a caller's token (RFC 8693 section 2.1), authenticating with
     * client_secret_basic.
     *
     * @param audience the upstream's name at the authorization server ({@code audience}); when null the upstream's URL
     *                 is sent as {@code resource} (RFC 8707)
     * @param scope    space-separated scopes to ask for; null for what the authorization server grants by default
     */
    record TokenExchange(URI tokenEndpoint, String clientId, String clientSecret, String audience, String scope) {
        public TokenExchange {
            Objects.requireNonNull(tokenEndpoint, "token exchange needs a token endpoint");
            if (clientId == null || clientId.isBlank() || clientSecret == null || clientSecret.isEmpty()) {
                throw new IllegalArgumentException("token exchange needs a client id and a client secret");
            }
            if (!"https".equalsIgnoreCase(tokenEndpoint.getScheme()) && !UpstreamSpec.isLoopback(tokenEndpoint)) {
                throw new IllegalArgumentException("token endpoint " + tokenEndpoint + " must use https (plain http only on loopback)");
            }
        }

        @Override
        public String toString() {
            return "TokenExchange[tokenEndpoint=" + tokenEndpoint + ", clientId=" + clientId + ", clientSecret=***, audience="
                    + audience + ", scope=" + scope + "]";
        }
    }

    static UpstreamCredentials none() {
        return new None();
    }
}
