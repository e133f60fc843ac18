package dev.mcpauth.authserver;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/** The redirect URI rules: what may be registered (RFC 7591 §2, OAuth 2.1 §2.3) and what matches at /authorize. */
final class RedirectUris {
    // An IPv4 literal in 127.0.0.0/8, not a DNS name that merely starts with "127." (e.g. 127.evil.co.uk).
    private static final java.util.regex.Pattern LOOPBACK_V4 = java.util.regex.Pattern.compile("127(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");

    private RedirectUris() {
    }

    /** 127.0.0.1 (any 127/8), [::1] and localhost: the only hosts where plain http is acceptable (RFC 8252 §7.3). */
    static boolean isLoopbackHost(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || LOOPBACK_V4.matcher(h).matches() || h.equals("[::1]") || h.equals("::1");
    }

    /** Null when acceptable for registration, else why not (the error_description of invalid_redirect_uri). */
    static String problemWith(String uri) {
        URI u;
        try {
            u = new URI(uri);
        } catch (URISyntaxException e) {
            return "redirect_uri '" + uri + "' is not a valid URI";
        }
        if (!u.isAbsolute() || u.getHost() == null) {
            return "redirect_uri '" + uri + "' must be an absolute URL with a host (OAuth 2.1 §2.3.1)";
        }
        if (u.getRawFragment() != null || uri.contains("#")) {
            return "redirect_uri '" + uri + "' must not contain a fragment (RFC 6749 §3.1.2)";
        }
        if (u.getRawUserInfo() != null) {
            return "redirect_uri '" + uri + "' must not contain user information";
        }
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https")) {
            return null;
        }
        if (scheme.equals("http") && isLoopbackHost(u.getHost())) {
            return null;
        }
        return "redirect_uri '" + uri + "' must use https, or http on a loopback host (127.0.0.1, [::1], localhost) (OAuth 2.1 §2.3.1)";
    }

    /**
     * Whether a requested redirect URI matches one registered: exact string comparison (OAuth 2.1 §2.3.2,
     * RFC 9700 §4.1.3), except that on a loopback IP literal over http any port is accepted (RFC 8252 §7.3,
     * OAuth 2.1 §8.4.2), because native clients pick a free port at run time.
     */
    static String findMatch(List<String> registered, String requested) {
        for (String r : registered) {
            if (r.equals(requested) || loopbackPortVariant(r, requested)) {
                return r;
            }
        }
        return null;
    }

    private static boolean loopbackPortVariant(String registered, String requested) {
        try {
            URI r = new URI(registered);
            URI q = new URI(requested);
            boolean ipLiteral = r.getHost() != null && !r.getHost().equalsIgnoreCase("localhost") && isLoopbackHost(r.getHost());
            return ipLiteral && "http".equals(r.getScheme()) && "http".equals(q.getScheme())
                    && r.getHost().equals(q.getHost())
                    && q.getRawUserInfo() == null && q.getRawFragment() == null
                    && java.util.Objects.equals(r.getRawPath(), q.getRawPath())
                    && java.util.Objects.equals(r.getRawQuery(), q.getRawQuery());
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
