package dev.mcpauth.token;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where an issuer puts the granted scopes: {@code scope} (RFC 9068 section 2.2.3), {@code scp} (Entra, Okta), or a
 * claim path such as {@code realm_access.roles} (Keycloak realm roles). Without one, {@link AccessTokenClaims} reads
 * the first of {@code scope}, {@code scp}, {@code scopes}. With one, only that claim grants scopes: a token from an
 * issuer mapped to {@code realm_access.roles} gains nothing from a {@code scope} claim it also carries.
 *
 * @param path the claim's name, or names joined by dots to reach into nested objects
 */
public record ScopeClaim(String path) {

    private static final Pattern PATH = Pattern.compile("[A-Za-z0-9_:-]+(\\.[A-Za-z0-9_:-]+)*");

    public ScopeClaim {
        if (path == null || !PATH.matcher(path).matches()) {
            throw new IllegalArgumentException("a scope claim is a claim name or a dotted claim path such as realm_access.roles, got '"
                    + path + "'");
        }
    }

    /** The token with its scopes read from this claim (a space-separated string or an array of strings; none if absent). */
    public AccessToken apply(AccessToken token) {
        Object value = token.claims();
        for (String name : path.split("\\.")) {
            value = value instanceof Map<?, ?> object ? object.get(name) : null;
        }
        List<String> scopes = value == null ? List.of() : AccessTokenClaims.strings(value);
        return new AccessToken(token.subject(), token.clientId(), new LinkedHashSet<>(scopes), token.audiences(), token.issuer(),
                token.expiresAt(), token.claims(), token.acceptedUntil());
    }

    /** A verifier whose accepted tokens carry the scopes of this claim. */
    public TokenVerifier mapping(TokenVerifier verifier) {
        return new TokenVerifier() {
            @Override
            public AccessToken verify(String token) throws TokenRejected {
                return apply(verifier.verify(token));
            }

            @Override
            public String toString() {
                return verifier + ", scopes from " + path;
            }
        };
    }
}
