package dev.mcpauth.client;

import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.client.ClientInformation;
import com.nimbusds.oauth2.sdk.client.ClientInformationResponse;
import com.nimbusds.oauth2.sdk.client.ClientMetadata;
import com.nimbusds.oauth2.sdk.client.ClientRegistrationErrorResponse;
import com.nimbusds.oauth2.sdk.client.ClientRegistrationRequest;
import com.nimbusds.oauth2.sdk.client.ClientRegistrationResponse;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Which client we are at an authorization server: a pre-registered one (--client-id), one named by the URL of its
 * client ID metadata document (CIMD), or one registered dynamically (RFC 7591), authenticating at the token
 * endpoint the way the server supports.
 */
final class ClientRegistrar {

    private final Consumer<String> progress;

    ClientRegistrar(Consumer<String> progress) {
        this.progress = progress;
    }

    /** A pre-registered client: with a secret, basic unless the server only advertises client_secret_post. */
    static ClientRegistration preRegistered(AuthorizationServerMetadata as, String clientId, String clientSecret) {
        if (clientSecret == null) {
            return new ClientRegistration(clientId, null, ClientAuthenticationMethod.NONE.getValue());
        }
        List<ClientAuthenticationMethod> supported = as.getTokenEndpointAuthMethods();
        boolean postOnly = supported != null && !supported.contains(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                && supported.contains(ClientAuthenticationMethod.CLIENT_SECRET_POST);
        return new ClientRegistration(clientId, clientSecret,
                (postOnly ? ClientAuthenticationMethod.CLIENT_SECRET_POST : ClientAuthenticationMethod.CLIENT_SECRET_BASIC).getValue());
    }

    /** Whether the server accepts an HTTPS URL as client_id (draft-ietf-oauth-client-id-metadata-document §4). */
    static boolean supportsMetadataDocuments(AuthorizationServerMetadata as) {
        return Boolean.TRUE.equals(as.getCustomParameter("client_id_metadata_document_supported"));
    }

    /** The client whose id is its metadata document's URL: public, since the document cannot carry a secret (§4.1). */
    static ClientRegistration metadataDocument(URI documentUrl) {
        return new ClientRegistration(documentUrl.toString(), null, ClientAuthenticationMethod.NONE.getValue());
    }

    /**
     * Registers a client for {@code redirectUri}. No {@code scope} is registered (RFC 7591 §2: it would limit every
     * later request), so the registration can be re-used when more scopes are needed.
     */
    ClientRegistration register(AuthorizationServerMetadata as, URI redirectUri) throws IOException {
        if (as.getRegistrationEndpointURI() == null) {
            throw new IOException("authorization server " + as.getIssuer() + " has no registration_endpoint; pass --client-id");
        }
        ClientMetadata metadata = new ClientMetadata();
        metadata.setName("mcp-auth flow");
        metadata.setRedirectionURI(redirectUri);
        metadata.setGrantTypes(Set.of(GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN));
        metadata.setResponseTypes(Set.of(ResponseType.CODE));
        metadata.setTokenEndpointAuthMethod(requestedMethod(as));
        try {
            ClientRegistrationResponse response = ClientRegistrationResponse.parse(
                    new ClientRegistrationRequest(as.getRegistrationEndpointURI(), metadata, null).toHTTPRequest().send());
            if (response instanceof ClientRegistrationErrorResponse err) {
                throw new IOException("dynamic client registration refused: " + LoginFlow.describe(err.getErrorObject()));
            }
            ClientInformation info = ((ClientInformationResponse) response).getClientInformation();
            // RFC 7591 §3.2.1: the server may change what we asked for; the response says how to authenticate.
            ClientAuthenticationMethod granted = info.getMetadata().getTokenEndpointAuthMethod();
            ClientRegistration client = new ClientRegistration(info.getID().getValue(),
                    info.getSecret() == null ? null : info.getSecret().getValue(),
                    (granted != null ? granted : metadata.getTokenEndpointAuthMethod()).getValue());
            progress.accept("register: client_id " + client.clientId() + " (RFC 7591, " + client.method().getValue()
                    + ", redirect " + redirectUri + ")");
            return client;
        } catch (ParseException e) {
            throw new IOException("registration response is invalid: " + e.getMessage());
        }
    }

    /** A public client when the server allows it (or says nothing); else the secret method it advertises. */
    private static ClientAuthenticationMethod requestedMethod(AuthorizationServerMetadata as) {
        List<ClientAuthenticationMethod> supported = as.getTokenEndpointAuthMethods();
        if (supported == null || supported.isEmpty() || supported.contains(ClientAuthenticationMethod.NONE)) {
            return ClientAuthenticationMethod.NONE;
        }
        for (ClientAuthenticationMethod m : List.of(ClientAuthenticationMethod.CLIENT_SECRET_BASIC, ClientAuthenticationMethod.CLIENT_SECRET_POST)) {
            if (supported.contains(m)) {
                return m;
            }
        }
        return ClientAuthenticationMethod.NONE;
    }
}
