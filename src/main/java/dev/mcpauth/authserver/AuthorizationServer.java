package dev.mcpauth.authserver;

import dev.mcpauth.metrics.Metrics;
import java.util.List;
import com.nimbusds.jose.jwk.JWKSet;
import dev.mcpauth.token.RevocationView;
import io.undertow.Handlers;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.server.handlers.PathHandler;

/**
 * The embedded OAuth 2.1 authorization server: built from an {@link AuthServerConfig}, mounted with
 * {@link #routes(HttpHandler)} on an IO-thread handler chain. Endpoints that read bodies or write state are
 * dispatched to worker threads here, so callers need not care.
 *
 * <pre>
 *   AuthorizationServer as = new AuthorizationServer(AuthServerConfig.builder("http://127.0.0.1:8001").build());
 *   Undertow.builder().addHttpListener(8001, "127.0.0.1").setHandler(as.routes(next)).build().start();
 * </pre>
 */
public final class AuthorizationServer implements AutoCloseable {
    private final AuthServerConfig config;
    private final EndpointPaths paths;
    private final StateDatabase db;
    private final SigningKey signingKey;
    private final ClientStore clients;
    private final GrantStore grants;
    private final AccessTokens tokens;
    private final HttpHandler metadata;
    private final HttpHandler jwks;
    private final HttpHandler registration;
    private final HttpHandler authorize;
    private final HttpHandler token;
    private final HttpHandler introspection;
    private final HttpHandler revocation;

    /** Loads (or creates) the persisted state; a corrupt state file is an IllegalStateException naming it. */
    public AuthorizationServer(AuthServerConfig config) {
        this.config = config;
        this.paths = EndpointPaths.of(config);
        this.db = StateDatabase.open(config);
        try {
            if (config.stateDirectory() != null) {
                JsonStateImport.run(db, config.stateDirectory(), config.clock());
            }
            this.signingKey = SigningKey.from(config, db);
            this.clients = new ClientStore(config, db);
            this.grants = new GrantStore(config, db);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        this.tokens = new AccessTokens(config, signingKey, grants);
        ClientAuthenticator authenticator = new ClientAuthenticator(clients);
        this.metadata = new MetadataEndpoint(config, paths);
        this.jwks = new JwksEndpoint(signingKey.publicKeys());
        // Endpoints that parse bodies or touch the database run on worker threads, never on the IO thread; a storage
        // failure in any of them is a 503 the client may retry.
        this.registration = stored(new RegistrationEndpoint(config, clients));
        this.authorize = stored(new AuthorizeEndpoint(config, clients, grants, paths.authorize()));
        this.token = stored(new TokenEndpoint(config, authenticator, clients, grants, tokens));
        this.introspection = stored(new IntrospectionEndpoint(config, authenticator, clients, grants, tokens));
        this.revocation = stored(new RevocationEndpoint(authenticator, grants, tokens));
    }

    private static HttpHandler stored(HttpHandler endpoint) {
        return new BlockingHandler(new StorageFailureHandler(endpoint));
    }

    /** Serves the AS paths (metadata, {@code /oauth/*}) and passes every other request to {@code next}. */
    public HttpHandler routes(HttpHandler next) {
        PathHandler routes = Handlers.path(next);
        routes.addExactPath(paths.metadata(), metadata);
        routes.addExactPath(paths.openidConfiguration(), metadata);
        routes.addExactPath(paths.jwks(), jwks);
        routes.addExactPath(paths.register(), registration);
        routes.addExactPath(paths.authorize(), authorize);
        routes.addExactPath(paths.token(), token);
        routes.addExactPath(paths.introspect(), introspection);
        routes.addExactPath(paths.revoke(), revocation);
        Metrics.knownRoutes(List.of(paths.metadata(), paths.openidConfiguration(), paths.jwks(), paths.register(), paths.authorize(),
                paths.token(), paths.introspect(), paths.revoke()));
        return routes;
    }

    /**
     * Which access tokens this AS has revoked, for a resource server in the same process: the only state shared
     * with the resource side besides tokens and keys (DESIGN.md).
     */
    public RevocationView revocations() {
        return grants;
    }

    /** The public keys that verify access tokens (empty with an HS256 shared secret). */
    public JWKSet publicKeys() {
        return signingKey.publicKeys();
    }

    public String issuer() {
        return config.issuerString();
    }

    /** The RFC 8693 endpoint where a client trades its token for one with more scopes (the token endpoint). */
    public String scopeUpgradeEndpoint() {
        return paths.url(paths.token());
    }

    /** The RFC 8414 metadata URL. */
    public String metadataUrl() {
        return paths.url(paths.metadata());
    }

    public AuthServerConfig config() {
        return config;
    }

    /** Closes the state database (every change is already committed) and stops watching for revocations. */
    @Override
    public void close() {
        grants.close();
        db.close();
    }
}
