package dev.mcpauth.authserver;

import java.util.List;

/** RFC 8707: which resource (token audience) a request is for; only the resources this AS serves are accepted. */
final class ResourceIndicators {
    private ResourceIndicators() {
    }

    /** The requested resource if served; when none is requested, the only one served (or invalid_target if several). */
    static String resolve(List<String> served, String requested) throws OAuthError {
        if (requested == null) {
            if (served.size() == 1) {
                return served.get(0);
            }
            throw OAuthError.invalidTarget("resource is required; this server issues tokens for " + served);
        }
        if (!served.contains(requested)) {
            // RFC 8707 §2: invalid_target when the resource is unknown or not served here.
            throw OAuthError.invalidTarget("resource '" + requested + "' is not served by this server; use one of " + served);
        }
        return requested;
    }
}
