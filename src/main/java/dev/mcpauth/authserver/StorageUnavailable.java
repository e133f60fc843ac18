package dev.mcpauth.authserver;

/**
 * The state database could not be read or written (down, full, unreachable). Endpoints let it pass;
 * {@link StorageFailureHandler} answers 503 {@code temporarily_unavailable}, and nothing was issued that was not stored.
 */
final class StorageUnavailable extends RuntimeException {
    StorageUnavailable(String what, Throwable cause) {
        super("authserver: could not " + what + " in the state database: " + oneLine(cause), cause);
    }

    private static String oneLine(Throwable cause) {
        String m = cause == null || cause.getMessage() == null ? "unknown error" : cause.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
