package dev.mcpauth.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimNames;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import com.nimbusds.jwt.proc.JWTClaimsSetVerifier;
import java.text.ParseException;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The JWT pipeline shared by the shared-secret and JWKS verifiers: nimbus {@link DefaultJWTProcessor} with a
 * pinned key selector, a {@code typ} check and the {@link JwtRules} claim checks; failures become {@link TokenRejected}.
 */
final class JwtProcessing {

    /** RFC 9068 section 2.1 access-token type, plain JWT, and no typ at all (many issuers omit it). */
    private static final DefaultJOSEObjectTypeVerifier<SecurityContext> TYPES = new DefaultJOSEObjectTypeVerifier<>(
            JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), new JOSEObjectType("application/at+jwt"), null);

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final String keysDescription;
    private final Set<JWSAlgorithm> algorithms;
    private final JwtRules rules;
    private final Supplier<Optional<String>> keysOutage;

    JwtProcessing(JWSKeySelector<SecurityContext> keySelector, Set<JWSAlgorithm> algorithms, JwtRules rules,
                  String keysDescription) {
        this(keySelector, algorithms, rules, keysDescription, Optional::empty);
    }

    /**
     * @param keysOutage why the key source cannot be fetched now, or empty when it can: a token whose key is not
     *                   among the keys at hand is then refused as unavailable (503), not invalid (401), since the
     *                   issuer may have rotated to a key we cannot see yet
     */
    JwtProcessing(JWSKeySelector<SecurityContext> keySelector, Set<JWSAlgorithm> algorithms, JwtRules rules,
                  String keysDescription, Supplier<Optional<String>> keysOutage) {
        this.keysOutage = keysOutage;
        this.keysDescription = keysDescription;
        this.algorithms = Set.copyOf(algorithms);
        this.rules = rules;
        processor.setJWSTypeVerifier(TYPES);
        processor.setJWSKeySelector(keySelector);
        processor.setJWSVerifierFactory(new EdDsaSupport.VerifierFactory());
        processor.setJWTClaimsSetVerifier(claimsVerifier(rules));
    }

    /** nimbus checks iss and the time rules ({@link #timeClaims}, exp required); the audience rule (with the Cognito option) is JwtRules'. */
    static JWTClaimsSetVerifier<SecurityContext> claimsVerifier(JwtRules rules) {
        Set<String> required = new HashSet<>(Set.of(JWTClaimNames.EXPIRATION_TIME));
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        if (rules.issuer() != null) {
            required.add(JWTClaimNames.ISSUER);
            exact.issuer(rules.issuer());
        }
        JWTClaimsSetVerifier<SecurityContext> standard = timeClaims(rules, exact.build(), required);
        return (claims, context) -> {
            standard.verify(claims, context);
            var problem = rules.audienceProblem(claims.getAudience(),
                    AccessTokenClaims.text(claims.getClaim("client_id")), claims.getClaim("token_use"));
            if (problem.isPresent()) {
                throw new BadJWTException(problem.get());
            }
        };
    }

    /**
     * The time rules, the one place they are decided (DESIGN.md, "Contracts"), for every verifier: nimbus checks
     * {@code exp} and {@code nbf} with the clock skew, then {@link JwtRules#issuedAtProblem} checks {@code iat}.
     *
     * @param expRequired whether a token without {@code exp} is refused (always for JWTs; introspection may allow it)
     */
    static JWTClaimsSetVerifier<SecurityContext> timeClaims(JwtRules rules, boolean expRequired) {
        return timeClaims(rules, new JWTClaimsSet.Builder().build(), expRequired ? Set.of(JWTClaimNames.EXPIRATION_TIME) : Set.of());
    }

    /** One nimbus verifier for the exact-match and required claims too: each nimbus verifier checks exp and nbf with its own skew. */
    private static JWTClaimsSetVerifier<SecurityContext> timeClaims(JwtRules rules, JWTClaimsSet exact, Set<String> required) {
        DefaultJWTClaimsVerifier<SecurityContext> standard = new DefaultJWTClaimsVerifier<>(null, exact, required, null);
        standard.setMaxClockSkew((int) Math.min(Integer.MAX_VALUE, rules.clockSkew().toSeconds()));
        long skew = rules.clockSkew().toSeconds();
        return (claims, context) -> {
            try {
                standard.verify(claims, context);
            } catch (ExpiredJWTException e) {
                throw new ExpiredJWTException("Expired JWT: the token expired at " + claims.getExpirationTime().toInstant()
                        + ", more than the " + skew + "s clock skew ago; obtain a new token");
            } catch (BadJWTException e) {
                if (claims.getNotBeforeTime() != null && "JWT before use time".equals(e.getMessage())) {
                    throw new BadJWTException("JWT before use time: the token is not valid before its nbf ("
                            + claims.getNotBeforeTime().toInstant() + "), more than the " + skew + "s clock skew from now");
                }
                throw e;
            }
            var problem = rules.issuedAtProblem(claims.getIssueTime() == null ? null : claims.getIssueTime().toInstant(), Instant.now());
            if (problem.isPresent()) {
                throw new BadJWTException(problem.get());
            }
        };
    }

    AccessToken verify(String token) throws TokenRejected {
        TokenSize.check(token);
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            throw TokenRejected.invalid("the bearer token is not a well-formed JWT");
        } catch (RateLimitReachedException e) {
            // The key set was refetched moments ago and still lacks this kid: the token is not ours, unless that fetch failed.
            throw unknownKey("no key in " + keysDescription + " matches the token's kid (JWKS refetched recently)");
        } catch (KeySourceException e) {
            throw new TokenRejected(TokenRejected.Reason.VERIFIER_UNAVAILABLE,
                    "could not load the signing keys from " + keysDescription + ": " + safe(e.getMessage()), e);
        } catch (BadJWSException e) {
            throw TokenRejected.invalid("the token signature is invalid");
        } catch (BadJWTException e) {
            throw TokenRejected.invalid(safe(e.getMessage()));
        } catch (BadJOSEException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(NO_MATCHING_KEY)) {
                throw unknownKey(describe(e));
            }
            throw TokenRejected.invalid(describe(e));
        } catch (JOSEException e) {
            throw TokenRejected.invalid("the token signature could not be checked: " + safe(e.getMessage()));
        } catch (RuntimeException e) {
            // nimbus throws NullPointerException for a header that is JSON null ("bnVsbA.bnVsbA."): still not a JWT.
            throw TokenRejected.invalid("the bearer token is not a well-formed JWT");
        }
        Instant exp = claims.getExpirationTime().toInstant();
        return AccessTokenClaims.toAccessToken(claims.toJSONObject(), exp, rules.acceptedUntil(exp));
    }

    /** nimbus's message when the key selector found no key for the token's alg and kid. */
    private static final String NO_MATCHING_KEY = "Signed JWT rejected: Another algorithm expected";

    private TokenRejected unknownKey(String invalidDescription) {
        Optional<String> outage = keysOutage.get();
        return outage.isPresent()
                ? new TokenRejected(TokenRejected.Reason.VERIFIER_UNAVAILABLE, "the token's key is not among the keys at hand and "
                        + safe(outage.get()) + "; retry later")
                : TokenRejected.invalid(invalidDescription);
    }

    private String describe(BadJOSEException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (message.startsWith(NO_MATCHING_KEY)) {
            return "the token's alg/kid matches no key in " + keysDescription + " (accepted algorithms: "
                    + algorithms.stream().map(JWSAlgorithm::getName).sorted().collect(Collectors.joining(", ")) + ")";
        }
        if (message.startsWith("Unsecured (plain) JWTs")) {
            return "unsigned tokens (alg none) are refused";
        }
        if (message.startsWith("Encrypted JWT")) {
            return "encrypted (JWE) tokens are not accepted; send a signed JWT";
        }
        return safe(message);
    }

    /** Error descriptions travel in WWW-Authenticate: printable ASCII only, no quotes, bounded length. */
    static String safe(String message) {
        if (message == null) {
            return "unknown error";
        }
        StringBuilder out = new StringBuilder(Math.min(message.length(), 200));
        for (int i = 0; i < message.length() && out.length() < 200; i++) {
            char c = message.charAt(i);
            out.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '?');
        }
        return out.toString();
    }
}
