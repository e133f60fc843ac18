package dev.mcpauth.client;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.AuthorizationErrorResponse;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.AuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The OAuth 2.1 authorization-code flow from a terminal, as an MCP client performs it: dynamic client
 * registration (RFC 7591) unless a client id is given, PKCE S256 (RFC 7636), the authorization request with
 * {@code resource} (RFC 8707), a loopback redirect (RFC 8252 §7.3), the {@code iss} check (RFC 9207) and the code
 * exchange. Every step is reported to {@code progress}.
 */
public final class LoginFlow {

    /** How the user's browser is reached. */
    public interface Browser {
        /** Shows {@code url} to the user (opens a browser or prints it). */
        void open(URI url);
    }

    /**
     * @param scopes        scopes to ask for (empty: those the resource advertises)
     * @param resource      resource indicator to request, or null for the discovered one
     * @param clientId      a pre-registered client, or null to register dynamically
     * @param clientSecret  its secret, for confidential pre-registered clients
     * @param clientMetadataUrl the HTTPS URL of this client's metadata document (CIMD), used as client_id where the
     *                      authorization server supports it; null for none
     * @param redirectPort  loopback port for the redirect (0: any free port; needs DCR)
     * @param timeout       how long to wait for the user
     */
    public record Options(Set<String> scopes, URI resource, String clientId, String clientSecret, URI clientMetadataUrl,
            int redirectPort, Duration timeout) {
    }

    private final HttpClient http;
    private final Consumer<String> progress;
    private final Browser browser;

    public LoginFlow(HttpClient http, Consumer<String> progress, Browser browser) {
        this.http = http;
        this.progress = progress;
        this.browser = browser;
    }

    /** The scopes of a first login, per the MCP scope selection strategy: --scope, else the challenge's, else the PRM's. */
    public static Set<String> scopesFor(AuthorizationTarget target, Options options) {
        if (!options.scopes().isEmpty()) {
            return options.scopes();
        }
        return Set.copyOf(!target.challengedScopes().isEmpty() ? target.challengedScopes() : target.scopesSupported());
    }

    /** The resource indicator to ask for (RFC 8707): --resource, else the discovered one. */
    public static URI resourceFor(AuthorizationTarget target, Options options) {
        return options.resource() != null ? options.resource() : target.resource();
    }

    public TokenSet run(AuthorizationTarget target, Options options) throws IOException, InterruptedException {
        return run(target, options, scopesFor(target, options), null);
    }

    /**
     * Logs in for {@code scopes} as the client {@link #clientFor} picks; {@code known} is a registration kept from an
     * earlier login at this issuer, or null.
     */
    public TokenSet run(AuthorizationTarget target, Options options, Set<String> scopes, ClientRegistration known)
            throws IOException, InterruptedException {
        AuthorizationServerMetadata as = target.authorizationServer();
        requireS256(as);
        URI resource = resourceFor(target, options);
        try (LoopbackCallback callback = LoopbackCallback.start(options.redirectPort())) {
            ClientRegistration client = clientFor(as, options, known, callback.redirectUri());
            CodeVerifier verifier = new CodeVerifier();
            State state = new State();
            AuthorizationRequest.Builder request = new AuthorizationRequest.Builder(ResponseType.CODE, client.id())
                    .endpointURI(as.getAuthorizationEndpointURI())
                    .redirectionURI(callback.redirectUri())
                    .state(state)
                    .codeChallenge(verifier, CodeChallengeMethod.S256);
            if (!scopes.isEmpty()) {
                request.scope(new Scope(scopes.toArray(String[]::new)));
            }
            if (resource != null) {
                request.resource(resource);
            }
            URI authorizationUrl = request.build().toURI();
            progress.accept("authorize: PKCE S256, state " + state.getValue().substring(0, 6) + "..., scope " + String.join(" ", scopes)
                    + (resource != null ? ", resource " + resource : ""));
            URI redirected = tryUnattended(authorizationUrl, callback.redirectUri());
            if (redirected == null) {
                browser.open(authorizationUrl);
                progress.accept("authorize: waiting for the browser to return to " + callback.redirectUri());
                redirected = callback.await(options.timeout());
            } else {
                progress.accept("authorize: the authorization server approved without interaction");
            }
            AuthorizationCode code = codeFrom(redirected, state, as);
            return exchange(as, client, code, callback.redirectUri(), verifier, resource);
        }
    }

    /**
     * The MCP order of client registration approaches (2025-11-25 authorization, client registration): pre-registered
     * (--client-id), else the client ID metadata document when the server advertises
     * {@code client_id_metadata_document_supported}, else a registration kept from an earlier login, else DCR.
     */
    private ClientRegistration clientFor(AuthorizationServerMetadata as, Options options, ClientRegistration known, URI redirectUri)
            throws IOException {
        if (options.clientId() != null) {
            return ClientRegistrar.preRegistered(as, options.clientId(), options.clientSecret());
        }
        if (options.clientMetadataUrl() != null) {
            if (ClientRegistrar.supportsMetadataDocuments(as)) {
                progress.accept("client: " + options.clientMetadataUrl() + " (client ID metadata document)");
                return ClientRegistrar.metadataDocument(options.clientMetadataUrl());
            }
            progress.accept("client: " + as.getIssuer() + " does not advertise client_id_metadata_document_supported;"
                    + " falling back to registration");
        }
        return known != null ? known : new ClientRegistrar(progress).register(as, redirectUri);
    }

    /** Refreshes {@code tokens} (RFC 6749 §6); the AS rotates the refresh token. */
    public TokenSet refresh(AuthorizationServerMetadata as, TokenSet tokens, URI resource) throws IOException {
        TokenRequest.Builder request = builder(as, tokens.client(), new RefreshTokenGrant(new RefreshToken(tokens.refreshToken())));
        if (resource != null) {
            request.resources(resource);
        }
        return tokenResponse(request.build(), tokens.issuer(), tokens.client());
    }

    private static void requireS256(AuthorizationServerMetadata as) throws IOException {
        List<CodeChallengeMethod> methods = as.getCodeChallengeMethods();
        if (methods == null || !methods.contains(CodeChallengeMethod.S256)) {
            // MCP authorization: clients MUST refuse to proceed without PKCE S256 support advertised.
            throw new IOException("authorization server " + as.getIssuer() + " does not advertise PKCE S256 (code_challenge_methods_supported)");
        }
    }

    /** Asks for the authorization URL as a browser would; an AS that approves without a page redirects at once. */
    private URI tryUnattended(URI authorizationUrl, URI redirectUri) throws IOException, InterruptedException {
        HttpResponse<Void> res = http.send(HttpRequest.newBuilder(authorizationUrl).timeout(Duration.ofSeconds(15)).GET().build(),
                HttpResponse.BodyHandlers.discarding());
        String location = res.headers().firstValue("Location").orElse(null);
        if (res.statusCode() / 100 == 3 && location != null && location.startsWith(redirectUri.toString())) {
            return URI.create(location);
        }
        return null;
    }

    private AuthorizationCode codeFrom(URI redirected, State state, AuthorizationServerMetadata as) throws IOException {
        try {
            AuthorizationResponse response = AuthorizationResponse.parse(redirected);
            if (!state.equals(response.getState())) {
                throw new IOException("the redirect's state does not match the request (possible CSRF); aborted");
            }
            if (response.getIssuer() != null && !response.getIssuer().equals(as.getIssuer())) {
                // RFC 9207 §2.4: a mismatched iss means a mix-up attack.
                throw new IOException("the redirect's iss " + response.getIssuer() + " is not the expected issuer " + as.getIssuer());
            }
            if (response instanceof AuthorizationErrorResponse err) {
                throw new IOException("authorization refused: " + describe(err.getErrorObject()));
            }
            progress.accept("callback: authorization code received" + (response.getIssuer() != null ? ", iss verified" : ""));
            return ((AuthorizationSuccessResponse) response).getAuthorizationCode();
        } catch (ParseException e) {
            throw new IOException("invalid authorization response: " + e.getMessage());
        }
    }

    private TokenSet exchange(AuthorizationServerMetadata as, ClientRegistration client, AuthorizationCode code, URI redirectUri,
            CodeVerifier verifier, URI resource) throws IOException {
        TokenRequest.Builder builder = builder(as, client, new AuthorizationCodeGrant(code, redirectUri, verifier));
        if (resource != null) {
            builder.resources(resource);
        }
        TokenSet tokens = tokenResponse(builder.build(), as.getIssuer().getValue(), client);
        progress.accept("token: access token received (expires_in " + tokens.response().get("expires_in") + " s"
                + (tokens.refreshToken() != null ? ", refresh token" : "") + ")");
        return tokens;
    }

    /** A token request authenticated the way the client registered (RFC 7591 token_endpoint_auth_method). */
    private static TokenRequest.Builder builder(AuthorizationServerMetadata as, ClientRegistration client, AuthorizationGrant grant) {
        ClientAuthentication auth = client.authentication();
        return auth == null
                ? new TokenRequest.Builder(as.getTokenEndpointURI(), client.id(), grant)
                : new TokenRequest.Builder(as.getTokenEndpointURI(), auth, grant);
    }

    private static TokenSet tokenResponse(TokenRequest request, String issuer, ClientRegistration client) throws IOException {
        try {
            TokenResponse response = TokenResponse.parse(request.toHTTPRequest().send());
            if (response instanceof TokenErrorResponse err) {
                throw new IOException("token request refused: " + describe(err.getErrorObject()));
            }
            Map<String, Object> json = ((AccessTokenResponse) response).toJSONObject();
            return new TokenSet(json, issuer, client, Instant.now().getEpochSecond());
        } catch (ParseException e) {
            throw new IOException("token response is invalid: " + e.getMessage());
        }
    }

    static String describe(com.nimbusds.oauth2.sdk.ErrorObject error) {
        return error.getCode() + (error.getDescription() != null ? " (" + error.getDescription() + ")" : "");
    }
}
