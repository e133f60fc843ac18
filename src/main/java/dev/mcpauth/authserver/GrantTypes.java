package dev.mcpauth.authserver;

/** Grant type and token type identifiers, in the words of RFC 6749 and RFC 8693. */
final class GrantTypes {
    static final String AUTHORIZATION_CODE = "authorization_code";
    static final String REFRESH_TOKEN = "refresh_token";
    static final String CLIENT_CREDENTIALS = "client_credentials";
    static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    /** RFC 8693 §3: the token type identifier of an access token. */
    static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

    static final java.util.List<String> ALL = java.util.List.of(AUTHORIZATION_CODE, REFRESH_TOKEN, CLIENT_CREDENTIALS, TOKEN_EXCHANGE);

    /**
     * What a dynamically registered client may ask for (RFC 7591 §2): grants that start from a user's consent.
     * client_credentials is not among them: anyone can register, so a self-registered client_credentials client
     * would be a token with no user and no consent, for anyone. Only the operator configures such clients.
     */
    static final java.util.List<String> REGISTRABLE = java.util.List.of(AUTHORIZATION_CODE, REFRESH_TOKEN, TOKEN_EXCHANGE);

    private GrantTypes() {
    }
}
