package dev.mcpauth.token;

/**
 * Refuses tokens an in-process authorization server has revoked (RFC 7009 revocation, code replay, refresh reuse),
 * even when the verifier it wraps has them cached: it sits outside the cache, so a revocation takes effect on the
 * next request instead of at {@code exp}.
 */
public final class RevocationCheckingVerifier implements TokenVerifier, KnownValidTokens {
    private final TokenVerifier delegate;
    private final KnownValidTokens knownValid;
    private final RevocationView revocations;

    public RevocationCheckingVerifier(TokenVerifier delegate, RevocationView revocations) {
        this.delegate = delegate;
        this.knownValid = delegate instanceof KnownValidTokens known ? known : token -> false;
        this.revocations = revocations;
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public AccessToken verify(String token) throws TokenRejected {
        AccessToken verified = delegate.verify(token);
        if (isRevoked(verified)) {
            throw TokenRejected.invalid("the access token has been revoked; get a new one from the authorization server");
        }
        return verified;
    }

    /** Known valid to the cache and not revoked since; a revoked token is never let past the failure throttle. */
    @Override
    public boolean isKnownValid(String token) {
        if (!knownValid.isKnownValid(token)) {
            return false;
        }
        try {
            return !isRevoked(delegate.verify(token));
        } catch (TokenRejected e) {
            return false;
        }
    }

    private boolean isRevoked(AccessToken token) {
        return token.claims().get("jti") instanceof String jti && revocations.isRevoked(jti);
    }

    @Override
    public String toString() {
        return delegate + ", revocations of the embedded authorization server seen at once";
    }
}
