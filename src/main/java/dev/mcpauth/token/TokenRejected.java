package dev.mcpauth.token;

/**
 * Why a token was not accepted. {@link Reason} maps onto RFC 6750 section 3.1 error codes, plus
 * {@link Reason#VERIFIER_UNAVAILABLE} for a source of truth that could not be asked (HTTP 503, never a 200).
 * The description is safe to show to the caller: it never contains the token or a secret.
 */
public final class TokenRejected extends Exception {

    public enum Reason {
        /** RFC 6750: expired, revoked, malformed, bad signature, wrong issuer or audience. HTTP 401. */
        INVALID_TOKEN("invalid_token", 401),
        /** RFC 6750: the request itself is malformed (e.g. a token too large to consider). HTTP 400. */
        INVALID_REQUEST("invalid_request", 400),
        /** The JWKS or introspection endpoint could not be reached. HTTP 503. */
        VERIFIER_UNAVAILABLE("temporarily_unavailable", 503);

        private final String errorCode;
        private final int httpStatus;

        Reason(String errorCode, int httpStatus) {
            this.errorCode = errorCode;
            this.httpStatus = httpStatus;
        }

        public String errorCode() {
            return errorCode;
        }

        public int httpStatus() {
            return httpStatus;
        }
    }

    private final Reason reason;

    public TokenRejected(Reason reason, String description) {
        super(description, null, false, false);
        this.reason = reason;
    }

    public TokenRejected(Reason reason, String description, Throwable cause) {
        super(description, cause, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    public String description() {
        return getMessage();
    }

    public static TokenRejected invalid(String description) {
        return new TokenRejected(Reason.INVALID_TOKEN, description);
    }
}
