package dev.mcpauth.authserver;

/**
 * Where each endpoint lives. The AS owns {@code /oauth/*} below its issuer; metadata sits at the RFC 8414 §3
 * well-known location (the issuer's path, if any, appended) and at the OIDC Discovery alias.
 */
record EndpointPaths(String origin, String issuerPath) {

    static EndpointPaths of(AuthServerConfig config) {
        String issuer = config.issuerString();
        String path = config.issuer().getRawPath() == null ? "" : config.issuer().getRawPath();
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return new EndpointPaths(issuer.substring(0, issuer.length() - path.length()), path);
    }

    String authorize() { return issuerPath + "/oauth/authorize"; }
    String token() { return issuerPath + "/oauth/token"; }
    String register() { return issuerPath + "/oauth/register"; }
    String introspect() { return issuerPath + "/oauth/introspect"; }
    String revoke() { return issuerPath + "/oauth/revoke"; }
    String jwks() { return issuerPath + "/oauth/jwks"; }

    /** RFC 8414 §3.1: the well-known segment goes between the host and the issuer's path. */
    String metadata() { return "/.well-known/oauth-authorization-server" + issuerPath; }

    /** OpenID Connect Discovery §4: the issuer's path, then the well-known segment. */
    String openidConfiguration() { return issuerPath + "/.well-known/openid-configuration"; }

    String url(String path) {
        return origin + path;
    }
}
