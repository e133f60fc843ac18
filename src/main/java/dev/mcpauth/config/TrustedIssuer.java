package dev.mcpauth.config;

import java.net.URI;
import java.time.Duration;
import java.util.Set;

/**
 * One issuer of the {@code issuers} section: whose tokens are accepted, how they are verified (a JWKS or RFC 7662
 * introspection, exactly one), and what is checked in them.
 *
 * @param issuer             the exact {@code iss} its tokens carry, and the authorization server named in the
 *                           protected resource metadata (RFC 9728)
 * @param jwksUri            its keys, for JWTs; null when it introspects
 * @param introspection      its introspection endpoint and the gateway's client there, for opaque tokens (and JWTs
 *                           naming it); null when it has a JWKS
 * @param audiences          audiences accepted besides this server's resource URL (RFC 8707)
 * @param clientIdAsAudience accept {@code client_id} in place of {@code aud} (AWS Cognito); one of {@code audiences}
 * @param clockSkew          tolerance for its {@code exp}, {@code nbf}, {@code iat}
 * @param scopeClaim         where its scopes are ({@code scope}, {@code scp}, a path such as {@code realm_access.roles}),
 *                           or null for the default spellings
 */
public record TrustedIssuer(String issuer, URI jwksUri, GatewayConfig.Introspection introspection, Set<String> audiences,
                            boolean clientIdAsAudience, Duration clockSkew, String scopeClaim) {

    public TrustedIssuer {
        audiences = Set.copyOf(audiences);
    }

    @Override
    public String toString() {
        return "TrustedIssuer[" + issuer + ", " + (jwksUri != null ? "jwks " + jwksUri : introspection.describe()) + "]";
    }
}
