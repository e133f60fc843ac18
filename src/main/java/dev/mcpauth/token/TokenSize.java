package dev.mcpauth.token;

/**
 * The guard every verifier runs first: absurd tokens are refused before any hashing, base64 or JSON parsing,
 * so a client cannot make us parse megabytes per request.
 */
public final class TokenSize {

    /** Real access tokens are a few KiB at most; 16 KiB leaves room for large claim sets. */
    public static final int MAX_TOKEN_CHARS = 16 * 1024;

    private TokenSize() {
    }

    public static void check(String token) throws TokenRejected {
        if (token == null || token.isBlank()) {
            throw TokenRejected.invalid("the bearer token is empty");
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            // RFC 6750 section 3.1: a request we refuse to consider at all is invalid_request, not invalid_token.
            throw new TokenRejected(TokenRejected.Reason.INVALID_REQUEST,
                    "the bearer token is " + token.length() + " characters; tokens over " + MAX_TOKEN_CHARS
                            + " characters are refused");
        }
    }
}
