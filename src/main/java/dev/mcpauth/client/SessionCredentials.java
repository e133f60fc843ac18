package dev.mcpauth.client;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.token.BearerTokenError;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A bearer token for one remote MCP server that stays usable: loaded from the {@link TokenStore}, refreshed
 * shortly before it expires or when the server says it is invalid, and obtained by a new login (the
 * {@link LoginFlow}) when there is none, the refresh is refused, or the server asks for more scopes (step-up).
 * Refresh and login run under the store's lock, so processes sharing the store never spend one refresh token twice.
 */
public final class SessionCredentials {

    private static final long REFRESH_MARGIN_SECONDS = 30;
    /** Step-up logins for the same scopes before the 403 goes back to the client (MCP scope challenge handling). */
    static final int MAX_STEP_UPS = 2;

    private final AuthorizationTarget target;
    private final LoginFlow flow;
    private final LoginFlow.Options options;
    private final TokenStore store;
    private final String key;
    private final String issuer;
    private final Consumer<String> progress;
    private final Map<Set<String>, Integer> stepUps = new HashMap<>();
    private TokenSet tokens;
    private String rejected;
    private Set<String> wanted;

    public SessionCredentials(AuthorizationTarget target, LoginFlow flow, LoginFlow.Options options, TokenStore store, Consumer<String> progress) {
        this.target = target;
        this.flow = flow;
        this.options = options;
        this.store = store;
        this.progress = progress;
        URI resource = LoginFlow.resourceFor(target, options);
        this.issuer = target.authorizationServer().getIssuer().getValue();
        this.key = TokenStore.key(issuer, resource == null ? null : resource.toString());
    }

    /** A token believed valid now: stored, refreshed, or from a new login. */
    public synchronized String accessToken() throws IOException, InterruptedException {
        if (tokens == null) {
            tokens = store.load(key).orElse(null);
        }
        if (usable(tokens)) {
            return tokens.accessToken();
        }
        return store.locked(this::renew);
    }

    /** The server refused the current token: the next {@link #accessToken()} refreshes or logs in again. */
    public synchronized void rejected() {
        if (tokens != null) {
            rejected = tokens.accessToken();
        }
    }

    /**
     * The server answered {@code status} with the {@code WWW-Authenticate} {@code challenge}. A 403
     * {@code insufficient_scope} naming scopes makes the next {@link #accessToken()} log in for the scopes held plus
     * those (MCP authorization: step-up), at most {@link #MAX_STEP_UPS} times for the same scopes.
     *
     * @return whether the request is worth retrying with the next token
     */
    public synchronized boolean rejected(int status, String challenge) {
        Set<String> challenged = insufficientScope(status, challenge);
        if (challenged == null) {
            rejected();
            return true;
        }
        Set<String> union = new LinkedHashSet<>(tokens == null ? LoginFlow.scopesFor(target, options) : tokens.scopes(LoginFlow.scopesFor(target, options)));
        union.addAll(challenged);
        int attempts = stepUps.merge(Set.copyOf(union), 1, Integer::sum);
        if (attempts > MAX_STEP_UPS) {
            progress.accept("the server still asks for scope " + String.join(" ", challenged) + " after " + MAX_STEP_UPS
                    + " logins; returning its refusal");
            return false;
        }
        progress.accept("the server asks for scope " + String.join(" ", challenged) + "; logging in for " + String.join(" ", union));
        wanted = union;
        rejected();
        return true;
    }

    /** The scopes of a 403 {@code insufficient_scope} challenge (RFC 6750 §3.1), or null for any other answer. */
    private static Set<String> insufficientScope(int status, String challenge) {
        if (status != 403 || challenge == null || challenge.isBlank()) {
            return null;
        }
        try {
            BearerTokenError error = BearerTokenError.parse(challenge);
            if (!BearerTokenError.INSUFFICIENT_SCOPE.getCode().equals(error.getCode()) || error.getScope() == null) {
                return null;
            }
            return new LinkedHashSet<>(error.getScope().toStringList());
        } catch (ParseException e) {
            return null;
        }
    }

    /** Under the store's lock: another process may have refreshed already, so the store is read again first. */
    private String renew() throws IOException, InterruptedException {
        TokenSet latest = store.load(key).orElse(null);
        if (wanted == null && latest != null && usable(latest)) {
            if (tokens == null || !latest.accessToken().equals(tokens.accessToken())) {
                progress.accept("using the tokens another process just obtained");
            }
            tokens = latest;
            return tokens.accessToken();
        }
        if (latest != null) {
            tokens = latest;
        }
        if (wanted == null && tokens != null && tokens.refreshToken() != null) {
            try {
                tokens = flow.refresh(target.authorizationServer(), tokens, LoginFlow.resourceFor(target, options));
                store.save(key, tokens);
                progress.accept("refreshed the access token");
                return tokens.accessToken();
            } catch (IOException e) {
                progress.accept("refresh failed (" + e.getMessage() + "); logging in again");
            }
        }
        Set<String> scopes = wanted != null ? wanted : LoginFlow.scopesFor(target, options);
        tokens = flow.run(target, options, scopes, store.client(issuer).orElse(null));
        wanted = null;
        store.save(key, tokens);
        return tokens.accessToken();
    }

    private boolean usable(TokenSet t) {
        return t != null && !expiresSoon(t) && !t.accessToken().equals(rejected);
    }

    private static boolean expiresSoon(TokenSet t) {
        Object expiresIn = t.response().get("expires_in");
        if (!(expiresIn instanceof Number n)) {
            return false;
        }
        return Instant.now().getEpochSecond() + REFRESH_MARGIN_SECONDS >= t.obtainedAtEpochSecond() + n.longValue();
    }
}
