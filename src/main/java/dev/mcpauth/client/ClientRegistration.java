package dev.mcpauth.client;

import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;

/**
 * The client this program is at one authorization server: its id, its secret (confidential clients) and how it
 * authenticates at the token endpoint. Kept per issuer, so a later login re-uses it instead of registering again.
 *
 * @param authMethod {@code none}, {@code client_secret_basic} or {@code client_secret_post}; null reads as
 *                   {@code client_secret_basic} when there is a secret (RFC 7591 §2 default), else {@code none}
 */
public record ClientRegistration(String clientId, String clientSecret, String authMethod) {

    public ClientID id() {
        return new ClientID(clientId);
    }

    public ClientAuthenticationMethod method() {
        if (clientSecret == null) {
            return ClientAuthenticationMethod.NONE;
        }
        return authMethod == null || ClientAuthenticationMethod.NONE.getValue().equals(authMethod)
                ? ClientAuthenticationMethod.CLIENT_SECRET_BASIC : ClientAuthenticationMethod.parse(authMethod);
    }

    /** The token-endpoint authentication for this client, or null for a public client (client_id in the body). */
    public ClientAuthentication authentication() {
        ClientAuthenticationMethod method = method();
        if (ClientAuthenticationMethod.CLIENT_SECRET_POST.equals(method)) {
            return new ClientSecretPost(id(), new Secret(clientSecret));
        }
        if (ClientAuthenticationMethod.CLIENT_SECRET_BASIC.equals(method)) {
            return new ClientSecretBasic(id(), new Secret(clientSecret));
        }
        return null;
    }
}
