package dev.mcpauth.token;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a token must say about who issued it and whom it is for, whatever verifies it (JWT or introspection).
 *
 * @param issuer             when non-null, {@code iss} must equal it exactly
 * @param acceptedAudiences  the token's {@code aud} must contain at least one of these: this server's resource
 *                           URL (RFC 8707) plus any the operator names; empty only through {@link #anyAudience}
 * @param clientIdAsAudience opt-in for AWS Cognito access tokens, which carry {@code client_id} and no {@code aud}:
 *                           such a token is accepted only if its {@code client_id} is an accepted audience
 * @param clockSkew          tolerance for {@code exp}, {@code nbf} and {@code iat} between our clock and the issuer's
 */
public record JwtRules(String issuer, Set<String> acceptedAudiences, boolean clientIdAsAudience, Duration clockSkew) {

    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);

    public JwtRules {
        acceptedAudiences = acceptedAudiences == null ? Set.of() : Set.copyOf(acceptedAudiences);
        clockSkew = clockSkew == null ? DEFAULT_CLOCK_SKEW : clockSkew;
        if (clockSkew.isNegative()) {
            throw new IllegalArgumentException("clock skew must not be negative, got " + clockSkew);
        }
        if (issuer != null && issuer.isBlank()) {
            throw new IllegalArgumentException("issuer must be null (not checked) or a non-blank URL");
        }
        if (clientIdAsAudience && acceptedAudiences.isEmpty()) {
            throw new IllegalArgumentException("client_id-as-audience needs at least one accepted audience (the client id)");
        }
    }

    /**
     * Rules with the default 60 s clock skew. The audiences must not be empty: a token meant for another resource
     * server must never be accepted here (RFC 8707, MCP authorization "token audience binding").
     */
    public static JwtRules of(String issuer, Collection<String> acceptedAudiences) {
        if (acceptedAudiences == null || acceptedAudiences.isEmpty()) {
            throw new IllegalArgumentException("at least one accepted audience is required (normally this server's"
                    + " resource URL); use JwtRules.anyAudience(...) only if you really mean to accept tokens for any audience");
        }
        return new JwtRules(issuer, Set.copyOf(acceptedAudiences), false, DEFAULT_CLOCK_SKEW);
    }

    public static JwtRules of(String issuer, String... acceptedAudiences) {
        return of(issuer, List.of(acceptedAudiences));
    }

    /**
     * DANGEROUS: accepts tokens whatever their audience, so a token the issuer minted for any other service is
     * accepted here too (token passthrough / confused deputy). Only for tests and single-service issuers.
     */
    public static JwtRules anyAudience(String issuer) {
        return new JwtRules(issuer, Set.of(), false, DEFAULT_CLOCK_SKEW);
    }

    public JwtRules withIssuer(String newIssuer) {
        return new JwtRules(newIssuer, acceptedAudiences, clientIdAsAudience, clockSkew);
    }

    public JwtRules withClockSkew(Duration skew) {
        return new JwtRules(issuer, acceptedAudiences, clientIdAsAudience, skew);
    }

    /** Opt in to Cognito-style tokens: {@code client_id} stands in for a missing {@code aud}. */
    public JwtRules withClientIdAsAudience(boolean enabled) {
        return new JwtRules(issuer, acceptedAudiences, enabled, clockSkew);
    }

    public boolean checksAudience() {
        return !acceptedAudiences.isEmpty();
    }

    /**
     * The audience rule in one place, for JWTs and introspection responses alike.
     *
     * @return empty when the token is for us, else why not (safe to show: it never echoes token values)
     */
    public Optional<String> audienceProblem(List<String> audiences, String clientId, Object tokenUse) {
        if (!checksAudience()) {
            return Optional.empty();
        }
        if (audiences != null && !audiences.isEmpty()) {
            return audiences.stream().anyMatch(acceptedAudiences::contains)
                    ? Optional.empty()
                    : Optional.of("token audience (aud) does not include this server; expected one of " + sorted());
        }
        if (!clientIdAsAudience) {
            return Optional.of("token has no audience (aud); expected one of " + sorted());
        }
        // Cognito ID tokens carry token_use=id; only access tokens may stand in for the client (RFC 6750 bearer use).
        if ("id".equals(tokenUse)) {
            return Optional.of("an ID token was presented; an access token is required");
        }
        if (clientId == null || !acceptedAudiences.contains(clientId)) {
            return Optional.of("token has no aud and its client_id is not an accepted audience; expected one of " + sorted());
        }
        return Optional.empty();
    }

    /**
     * RFC 7519 section 4.1.4 with the tolerated skew: the first instant a token whose {@code exp} is {@code exp} is no
     * longer accepted (nimbus accepts while {@code exp + skew > now}). Verifiers record it on the {@link AccessToken}.
     */
    public Instant acceptedUntil(Instant exp) {
        return exp.plus(clockSkew);
    }

    /**
     * RFC 7519 section 4.1.6: {@code iat} is when the token was issued, so it cannot lie ahead of our clock by more than
     * the skew. A token "issued" a year from now was minted with a broken clock or to outlive the issuer's checks;
     * nimbus's claims verifier does not check {@code iat}, so this is the rule, for JWTs and introspection alike.
     *
     * @return empty when {@code iat} is absent or plausible, else why not (safe to show)
     */
    public Optional<String> issuedAtProblem(Instant issuedAt, Instant now) {
        if (issuedAt == null || !issuedAt.isAfter(now.plus(clockSkew))) {
            return Optional.empty();
        }
        return Optional.of("the token was issued in the future: its iat (" + issuedAt + ") is more than the "
                + clockSkew.toSeconds() + "s clock skew ahead of this server's clock (" + now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                + "); check the issuer's clock");
    }

    /** For start banners: what is checked, no secrets. */
    public String describe() {
        String aud = checksAudience() ? "aud in " + sorted() : "ANY audience (audience check disabled)";
        return "iss=" + Objects.requireNonNullElse(issuer, "(not checked)") + ", " + aud
                + (clientIdAsAudience ? " (or client_id when aud is absent)" : "")
                + ", clock skew " + clockSkew.toSeconds() + "s";
    }

    private Set<String> sorted() {
        return new TreeSet<>(acceptedAudiences);
    }
}
