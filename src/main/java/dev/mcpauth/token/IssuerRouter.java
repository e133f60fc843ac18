package dev.mcpauth.token;

import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Several trusted issuers at once, each with its own verifier (own keys or introspection endpoint, audiences, clock
 * skew, scope claim). A JWT goes to the verifier of the issuer its {@code iss} names, and only to that one; the
 * {@code iss} read here, before any signature check, is used for nothing but choosing the verifier, which then checks
 * the signature and the issuer again. A JWT naming no trusted issuer is refused at once, without any network call, so
 * forged issuers cost nothing and cannot make us fetch anyone's keys. A token that is not a JWT (opaque) goes to the
 * issuers that introspect, in the configured order. Each issuer's verifier is separate: one issuer's outage (its
 * JWKS or introspection endpoint down) makes only its own tokens 503.
 */
public final class IssuerRouter implements TokenVerifier {

    private final Map<String, TokenVerifier> byIssuer;
    private final List<TokenVerifier> introspecting;

    /**
     * @param byIssuer      each trusted issuer's exact {@code iss} and its verifier
     * @param introspecting the verifiers that introspect, asked in this order for opaque tokens
     */
    public IssuerRouter(Map<String, TokenVerifier> byIssuer, List<TokenVerifier> introspecting) {
        if (byIssuer.isEmpty()) {
            throw new IllegalArgumentException("at least one issuer is required");
        }
        this.byIssuer = new LinkedHashMap<>(byIssuer);
        this.introspecting = List.copyOf(introspecting);
    }

    @Override
    public void close() {
        byIssuer.values().forEach(TokenVerifier::close);
        introspecting.forEach(TokenVerifier::close);
    }

    @Override
    public AccessToken verify(String token) throws TokenRejected {
        TokenSize.check(token);
        JWT jwt = parse(token);
        if (jwt == null) {
            return introspect(token);
        }
        if (!(jwt instanceof SignedJWT)) {
            throw TokenRejected.invalid("only signed JWTs (or opaque tokens for introspection) are accepted");
        }
        String issuer = issuerOf(jwt);
        TokenVerifier verifier = issuer == null ? null : byIssuer.get(issuer);
        if (verifier == null) {
            // RFC 7519 section 4.1.1: iss names the issuer; with several, a token that names none we trust is simply not ours.
            throw TokenRejected.invalid(issuer == null ? "the token names no issuer (iss); expected one of " + trusted()
                    : "the token's issuer (iss) is not trusted here; expected one of " + trusted());
        }
        return verifier.verify(token);
    }

    /** The JWT if the token has the shape of one, else null (an opaque token). */
    private static JWT parse(String token) {
        if (token.chars().filter(c -> c == '.').count() < 2) {
            return null;
        }
        try {
            return JWTParser.parse(token);
        } catch (ParseException | RuntimeException e) {
            return null;
        }
    }

    private static String issuerOf(JWT jwt) throws TokenRejected {
        try {
            return jwt.getJWTClaimsSet().getIssuer();
        } catch (ParseException e) {
            throw TokenRejected.invalid("the token's claims are not a JSON object with a string iss");
        }
    }

    /**
     * Opaque tokens: the first introspecting issuer that accepts it wins. If none accepts and one could not be asked,
     * the answer is 503 (the token may be that issuer's), else 401 with the last issuer's reason.
     */
    private AccessToken introspect(String token) throws TokenRejected {
        if (introspecting.isEmpty()) {
            throw TokenRejected.invalid("the token is not a JWT and no issuer is configured for introspection; expected a JWT from one of "
                    + trusted());
        }
        TokenRejected unavailable = null;
        TokenRejected refused = null;
        for (TokenVerifier verifier : introspecting) {
            try {
                return verifier.verify(token);
            } catch (TokenRejected e) {
                if (e.reason() == TokenRejected.Reason.VERIFIER_UNAVAILABLE) {
                    unavailable = e;
                } else {
                    refused = e;
                }
            }
        }
        throw unavailable != null ? unavailable : refused;
    }

    private String trusted() {
        return new TreeSet<>(byIssuer.keySet()).toString();
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("several issuers, each token verified by its own issuer's verifier only:");
        byIssuer.forEach((issuer, verifier) -> out.append("\n    ").append(issuer).append(": ").append(verifier));
        return out.toString();
    }
}
