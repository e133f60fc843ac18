package dev.mcpauth.authserver;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.Cookie;
import io.undertow.server.handlers.CookieImpl;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The authorization endpoint (RFC 6749 §4.1.1, OAuth 2.1 §4.1): GET validates the request and shows the consent
 * page (or, with autoApprove, issues a code at once); POST receives the consent form. Runs on a worker thread.
 */
public final class AuthorizeEndpoint implements HttpHandler {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AuthorizeEndpoint.class);
    private static final String CSRF_COOKIE = "mcp_auth_consent";
    private static final long PENDING_SECONDS = 600;
    private static final int MAX_FAILED_SIGN_INS = 5;
    // Pending requests cost memory before anyone signs in; a flood of GETs must not exhaust the heap.
    private static final int MAX_PENDING = 10_000;

    private final AuthServerConfig config;
    private final ClientStore clients;
    private final GrantStore grants;
    private final ConsentPage page;
    private final AuthorizationRedirect redirect;
    private final String path;
    private final Map<String, PendingAuthorization> pending = new ConcurrentHashMap<>();

    AuthorizeEndpoint(AuthServerConfig config, ClientStore clients, GrantStore grants, String path) {
        this.config = config;
        this.clients = clients;
        this.grants = grants;
        this.page = new ConsentPage(config);
        this.redirect = new AuthorizationRedirect(config.issuerString());
        this.path = path;
    }

    /** Why a request cannot proceed: shown as a page when {@code redirectUri} is null, else redirected. */
    private static final class Rejection extends Exception {
        final String redirectUri;
        final String state;
        final String error;

        Rejection(String redirectUri, String state, String error, String description) {
            super(description, null, false, false);
            this.redirectUri = redirectUri;
            this.state = state;
            this.error = error;
        }
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (exchange.getRequestMethod().equals(Methods.GET)) {
            authorize(exchange);
        } else if (exchange.getRequestMethod().equals(Methods.POST)) {
            consent(exchange);
        } else {
            exchange.getResponseHeaders().put(Headers.ALLOW, "GET, POST");
            page.error(exchange, 405, "invalid_request", "the authorization endpoint accepts GET (the request) and POST (the consent form)");
        }
    }

    private void authorize(HttpServerExchange exchange) {
        AuthorizationRequest request;
        try {
            request = validate(queryOrPage(exchange));
        } catch (Rejection r) {
            reject(exchange, r);
            return;
        }
        if (config.autoApprove()) {
            issueCode(exchange, request, config.autoApproveUser());
            return;
        }
        long expires = config.clock().instant().getEpochSecond() + PENDING_SECONDS;
        pending.values().removeIf(p -> p.expiresAt() < config.clock().instant().getEpochSecond());
        if (pending.size() >= MAX_PENDING) {
            page.error(exchange, 503, "temporarily_unavailable", "too many authorization requests are waiting for consent; try again in a few minutes");
            return;
        }
        PendingAuthorization p = new PendingAuthorization(Secrets.newHandle(), Secrets.newHandle(), request, expires, 0);
        pending.put(p.id(), p);
        exchange.setResponseCookie(csrfCookie(p));
        page.show(exchange, p, path, null, null);
    }

    private Map<String, String> queryOrPage(HttpServerExchange exchange) throws Rejection {
        try {
            return Forms.query(exchange);
        } catch (OAuthError e) {
            // A repeated client_id or redirect_uri cannot be trusted, so this error is never redirected.
            throw new Rejection(null, null, e.error(), e.getMessage());
        }
    }

    /** The checks in the order the RFCs need them: first client and redirect URI (no redirect before both hold). */
    private AuthorizationRequest validate(Map<String, String> q) throws Rejection {
        RegisteredClient client;
        try {
            client = clients.lookup(q.get("client_id"));
        } catch (OAuthError e) {
            // CIMD: without a usable document there is no trusted redirect URI, so the error is shown, not redirected.
            throw new Rejection(null, null, "invalid_request", e.getMessage());
        }
        if (client == null) {
            throw new Rejection(null, null, "invalid_request", q.get("client_id") == null
                    ? "the request has no client_id" : "client_id '" + q.get("client_id") + "' is not registered here");
        }
        String redirectUri = verifiedRedirectUri(client, q.get("redirect_uri"));
        String state = q.get("state");
        if (!client.mayUse(GrantTypes.AUTHORIZATION_CODE)) {
            throw new Rejection(redirectUri, state, "unauthorized_client", "this client did not register the authorization_code grant");
        }
        if (!"code".equals(q.get("response_type"))) {
            throw new Rejection(redirectUri, state, "unsupported_response_type", "response_type must be code (OAuth 2.1 §4.1.1)");
        }
        String challenge = pkceChallenge(q, redirectUri, state);
        String resource = resource(q.get("resource"), redirectUri, state);
        Set<String> scopes = scopes(client, q.get("scope"), redirectUri, state);
        return new AuthorizationRequest(client, redirectUri, q.get("redirect_uri"), scopes, resource, state, challenge);
    }

    // RFC 9700 §4.1 (open redirector): the redirect URI must match a registered one before anything is sent to it.
    private static String verifiedRedirectUri(RegisteredClient client, String requested) throws Rejection {
        if (requested == null) {
            // OAuth 2.1 §4.1.1: redirect_uri may be omitted only when exactly one is registered.
            if (client.redirectUris().size() == 1) {
                return client.redirectUris().get(0);
            }
            throw new Rejection(null, null, "invalid_request", "redirect_uri is required: this client registered several");
        }
        if (RedirectUris.findMatch(client.redirectUris(), requested) == null) {
            throw new Rejection(null, null, "invalid_request", "redirect_uri '" + requested + "' is not registered for this client");
        }
        return requested;
    }

    // OAuth 2.1 §4.1.1, RFC 9700 §2.1.1: PKCE is mandatory and only S256 is accepted (no downgrade to plain).
    private static String pkceChallenge(Map<String, String> q, String redirectUri, String state) throws Rejection {
        String challenge = q.get("code_challenge");
        if (challenge == null) {
            throw new Rejection(redirectUri, state, "invalid_request", "code_challenge is required (PKCE, RFC 7636) with code_challenge_method S256");
        }
        String method = q.get("code_challenge_method");
        if (!Pkce.S256.equals(method)) {
            throw new Rejection(redirectUri, state, "invalid_request", "code_challenge_method must be S256; "
                    + (method == null ? "omitting it means plain (RFC 7636 §4.3), which" : "'" + method + "'") + " is not accepted");
        }
        if (!Pkce.isWellFormedChallenge(challenge)) {
            throw new Rejection(redirectUri, state, "invalid_request", "code_challenge must be 43 base64url characters (RFC 7636 §4.2)");
        }
        return challenge;
    }

    // RFC 8707 §2: the resource must be one this AS issues tokens for.
    private String resource(String resource, String redirectUri, String state) throws Rejection {
        try {
            return ResourceIndicators.resolve(config.resources(), resource);
        } catch (OAuthError e) {
            throw new Rejection(redirectUri, state, e.error(), e.getMessage());
        }
    }

    // RFC 6749 §3.3: every requested scope must be supported and allowed for this client.
    private Set<String> scopes(RegisteredClient client, String scope, String redirectUri, String state) throws Rejection {
        Set<String> supported = config.scopesSupported().keySet();
        Set<String> allowed = Scopes.intersect(client.allowedScopes(supported), supported);
        if (scope == null) {
            return Scopes.intersect(config.defaultScopes(), allowed);
        }
        Set<String> requested = Scopes.parse(scope);
        Set<String> refused = Scopes.outside(requested, allowed);
        if (!refused.isEmpty()) {
            throw new Rejection(redirectUri, state, "invalid_scope", "scopes " + refused + " are not available to this client; allowed: " + allowed);
        }
        return requested;
    }

    private void reject(HttpServerExchange exchange, Rejection r) {
        if (r.redirectUri == null) {
            page.error(exchange, 400, r.error, r.getMessage());
        } else {
            redirect.error(exchange, r.redirectUri, r.state, r.error, r.getMessage());
        }
    }

    private void consent(HttpServerExchange exchange) {
        Map<String, String> form;
        try {
            form = Forms.read(exchange);
        } catch (OAuthError e) {
            page.error(exchange, 400, e.error(), e.getMessage());
            return;
        }
        PendingAuthorization p = pending.get(form.getOrDefault("request_id", ""));
        if (p == null || p.expiresAt() < config.clock().instant().getEpochSecond()) {
            page.error(exchange, 400, "invalid_request", "this authorization request has expired or was already answered; start again from the application");
            return;
        }
        Cookie cookie = exchange.getRequestCookie(cookieName(p));
        if (!Secrets.constantTimeEquals(form.get("csrf_token"), p.csrfToken())
                || cookie == null || !Secrets.constantTimeEquals(cookie.getValue(), p.csrfToken())) {
            page.error(exchange, 403, "invalid_request", "the consent form was not submitted from the page this server showed (CSRF check failed)");
            return;
        }
        AuthorizationRequest request = p.request();
        if (!"approve".equals(form.get("decision"))) {
            pending.remove(p.id());
            LOG.info("consent denied: client={}", request.client().clientId());
            redirect.error(exchange, request.redirectUri(), request.state(), "access_denied", "the user denied the request");
            return;
        }
        signInAndIssue(exchange, p, form.get("username"), form.get("password"));
    }

    private void signInAndIssue(HttpServerExchange exchange, PendingAuthorization p, String username, String password) {
        if (!DemoUsers.check(config.users(), username, password)) {
            PendingAuthorization failed = p.withFailedSignIn();
            if (failed.failedSignIns() >= MAX_FAILED_SIGN_INS) {
                pending.remove(p.id());
                redirect.error(exchange, p.request().redirectUri(), p.request().state(), "access_denied", "too many failed sign-in attempts");
                return;
            }
            pending.put(p.id(), failed);
            page.show(exchange, failed, path, username, "Wrong username or password.");
            return;
        }
        if (pending.remove(p.id()) == null) {
            page.error(exchange, 400, "invalid_request", "this authorization request was already answered");
            return;
        }
        issueCode(exchange, p.request(), username);
    }

    /** RFC 6749 §4.1.2: a short-lived, single-use code bound to client, redirect URI, PKCE challenge and resource. */
    private void issueCode(HttpServerExchange exchange, AuthorizationRequest request, String subject) {
        // The user may hold fewer scopes than requested; the token response then names what was granted (RFC 6749 §3.3).
        Set<String> granted = Scopes.intersect(request.scopes(), config.allowedScopesForUser(subject));
        String code = Secrets.newHandle();
        long expiresAt = config.clock().instant().plus(config.codeTtl()).getEpochSecond();
        grants.saveCode(new GrantStore.AuthorizationCode(Secrets.hash(code), request.client().clientId(), request.requestedRedirectUri(),
                request.codeChallenge(), subject, Scopes.format(granted), request.resource(), expiresAt, false, null));
        LOG.info("authorization code issued: client={} subject={} scope=[{}] resource={}", request.client().clientId(), subject,
                Scopes.format(granted), request.resource());
        redirect.success(exchange, request, code);
    }

    // One cookie per pending request, so two consent pages open in one browser do not clash.
    private static String cookieName(PendingAuthorization p) {
        return CSRF_COOKIE + "_" + p.id().substring(0, 12);
    }

    private Cookie csrfCookie(PendingAuthorization p) {
        return new CookieImpl(cookieName(p), p.csrfToken())
                .setPath(path)
                .setHttpOnly(true)
                .setSameSiteMode("Strict")
                .setSecure("https".equals(config.issuer().getScheme()))
                .setMaxAge((int) PENDING_SECONDS);
    }
}
