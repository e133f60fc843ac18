package dev.mcpauth.gateway;

import com.nimbusds.jose.jwk.JWKSet;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.config.TrustedIssuer;
import dev.mcpauth.token.CachingVerifier;
import dev.mcpauth.token.IntrospectionVerifier;
import dev.mcpauth.token.IssuerRouter;
import dev.mcpauth.token.JwksVerifier;
import dev.mcpauth.token.JwtRules;
import dev.mcpauth.token.RevocationCheckingVerifier;
import dev.mcpauth.token.RevocationView;
import dev.mcpauth.token.ScopeClaim;
import dev.mcpauth.token.SharedSecretVerifier;
import dev.mcpauth.token.TokenVerifier;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The one place where the configured way of validating tokens becomes a {@link TokenVerifier}. */
public final class Verifiers {

    /** JWTs cannot be revoked: a verified one stays valid until {@code exp}; the cache only bounds memory. */
    private static final Duration JWT_CACHE_TTL = Duration.ofHours(1);

    private Verifiers() {
    }

    /**
     * @param resourceUrl   this server's resource identifier, which every token's audience must contain (RFC 8707)
     * @param embeddedKeys  the embedded authorization server's public keys (only for that mode), else null
     * @param embeddedIssuer the embedded authorization server's issuer (only for that mode), else null
     */
    public static TokenVerifier forConfig(GatewayConfig.Auth auth, GatewayConfig.JwtChecks checks, String resourceUrl,
            JWKSet embeddedKeys, String embeddedIssuer) throws IOException {
        Set<String> audiences = new LinkedHashSet<>();
        audiences.add(resourceUrl);
        audiences.addAll(checks.extraAudiences());
        String issuer = embeddedIssuer != null ? embeddedIssuer : checks.issuer();
        JwtRules rules = JwtRules.of(issuer, audiences).withClockSkew(checks.clockSkew()).withClientIdAsAudience(checks.clientIdAsAudience());
        return switch (auth) {
            case GatewayConfig.SharedSecret s -> CachingVerifier.wrap(new SharedSecretVerifier(s.secret(), rules), JWT_CACHE_TTL);
            case GatewayConfig.Jwks j -> CachingVerifier.wrap(j.jwksUri() != null
                    ? JwksVerifier.fromJwksUri(j.jwksUri(), rules, j.options())
                    : JwksVerifier.fromIssuer(URI.create(j.issuer()), rules, j.options()), JWT_CACHE_TTL);
            case GatewayConfig.Introspection i -> CachingVerifier.wrap(new IntrospectionVerifier(i.endpoint(), i.clientId(),
                    i.clientSecret(), rules, IntrospectionVerifier.Options.defaults().withRequestTimeout(i.timeout())), i.cacheTtl());
            case GatewayConfig.EmbeddedAuthServer e -> CachingVerifier.wrap(e.secret() != null
                    ? new SharedSecretVerifier(e.secret(), rules)
                    : JwksVerifier.fromJwkSet(embeddedKeys, rules), JWT_CACHE_TTL);
            case GatewayConfig.Issuers several -> severalIssuers(several, resourceUrl);
        };
    }

    /** One verifier per issuer, each with its own cache, so that one issuer's outage or flood touches only its tokens. */
    private static TokenVerifier severalIssuers(GatewayConfig.Issuers several, String resourceUrl) {
        Map<String, TokenVerifier> byIssuer = new LinkedHashMap<>();
        List<TokenVerifier> introspecting = new ArrayList<>();
        for (TrustedIssuer issuer : several.issuers()) {
            Set<String> audiences = new LinkedHashSet<>();
            audiences.add(resourceUrl);
            audiences.addAll(issuer.audiences());
            JwtRules rules = JwtRules.of(issuer.issuer(), audiences).withClockSkew(issuer.clockSkew())
                    .withClientIdAsAudience(issuer.clientIdAsAudience());
            GatewayConfig.Introspection i = issuer.introspection();
            TokenVerifier verifier = i != null
                    ? new IntrospectionVerifier(i.endpoint(), i.clientId(), i.clientSecret(), rules,
                            IntrospectionVerifier.Options.defaults().withRequestTimeout(i.timeout()))
                    : JwksVerifier.fromJwksUri(issuer.jwksUri(), rules);
            if (issuer.scopeClaim() != null) {
                verifier = new ScopeClaim(issuer.scopeClaim()).mapping(verifier);
            }
            verifier = CachingVerifier.wrap(verifier, i != null ? i.cacheTtl() : JWT_CACHE_TTL);
            byIssuer.put(issuer.issuer(), verifier);
            if (i != null) {
                introspecting.add(verifier);
            }
        }
        return new IssuerRouter(byIssuer, introspecting);
    }

    /**
     * The embedded AS's revocations, checked after the cache so that a cached token is refused the moment it is
     * revoked. (A separate {@code mcp-auth authserver} cannot reach this view: there a revoked JWT lives until exp,
     * unless serve uses --introspection-uri.)
     */
    public static TokenVerifier seeingRevocations(TokenVerifier verifier, RevocationView revocations) {
        return new RevocationCheckingVerifier(verifier, revocations);
    }
}
