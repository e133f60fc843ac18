package dev.mcpauth.client;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tokens obtained from an authorization server, with what is needed to refresh them later.
 *
 * @param response the token response as JSON values (access_token, token_type, expires_in, refresh_token, scope)
 * @param issuer   the authorization server that issued them
 * @param clientId the client they were issued to
 */
public record TokenSet(Map<String, Object> response, String issuer, String clientId, String clientSecret, long obtainedAtEpochSecond) {

    public String accessToken() {
        return (String) response.get("access_token");
    }

    public String refreshToken() {
        return (String) response.get("refresh_token");
    }

    /** The response plus issuer and client id: what {@code flow --json} prints. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>(response);
        json.put("issuer", issuer);
        json.put("client_id", clientId);
        return json;
    }
}
