package dev.mcpauth.client;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Tokens obtained from an authorization server, with what is needed to refresh them later.
 *
 * @param response the token response as JSON values (access_token, token_type, expires_in, refresh_token, scope)
 * @param issuer   the authorization server that issued them
 * @param client   the client they were issued to
 */
public record TokenSet(Map<String, Object> response, String issuer, ClientRegistration client, long obtainedAtEpochSecond) {

    public String accessToken() {
        return (String) response.get("access_token");
    }

    public String refreshToken() {
        return (String) response.get("refresh_token");
    }

    /** The granted scopes (RFC 6749 §5.1), or {@code requested} when the response leaves them out (granted as asked). */
    public Set<String> scopes(Set<String> requested) {
        Object scope = response.get("scope");
        if (!(scope instanceof String s) || s.isBlank()) {
            return requested;
        }
        return new LinkedHashSet<>(Arrays.asList(s.trim().split(" +")));
    }

    /** The response plus issuer and client id: what {@code flow --json} prints. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>(response);
        json.put("issuer", issuer);
        json.put("client_id", client.clientId());
        return json;
    }
}
