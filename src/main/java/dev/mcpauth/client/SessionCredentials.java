package dev.mcpauth.client;

import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * A bearer token for one remote MCP server that stays usable: loaded from the {@link TokenStore}, refreshed
 * shortly before it expires or when the server says it is invalid, and obtained by a new login (the
 * {@link LoginFlow}) when there is none or the refresh is refused.
 */
public final class SessionCredentials {

    private static final long REFRESH_MARGIN_SECONDS = 30;

    private final AuthorizationTarget target;
    private final LoginFlow flow;
    private final LoginFlow.Options options;
    private final TokenStore store;
    private final String key;
    private final Consumer<String> progress;
    private TokenSet tokens;
    private String rejected;

    public SessionCredentials(AuthorizationTarget target, LoginFlow flow, LoginFlow.Options options, TokenStore store, Consumer<String> progress) {
        this.target = target;
        this.flow = flow;
        this.options = options;
        this.store = store;
        this.progress = progress;
        URI resource = options.resource() != null ? options.resource() : target.resource();
        this.key = TokenStore.key(target.authorizationServer().getIssuer().getValue(), resource == null ? null : resource.toString());
    }

    /** A token believed valid now: stored, refreshed, or from a new login. */
    public synchronized String accessToken() throws IOException, InterruptedException {
        if (tokens == null) {
            tokens = store.load(key).orElse(null);
        }
        if (tokens != null && !expiresSoon(tokens) && !tokens.accessToken().equals(rejected)) {
            return tokens.accessToken();
        }
        return renew();
    }

    /** The server refused the current token: the next {@link #accessToken()} refreshes or logs in again. */
    public synchronized void rejected() {
        if (tokens != null) {
            rejected = tokens.accessToken();
        }
    }

    private String renew() throws IOException, InterruptedException {
        AuthorizationServerMetadata as = target.authorizationServer();
        if (tokens != null && tokens.refreshToken() != null) {
            try {
                tokens = flow.refresh(as, tokens, options.resource() != null ? options.resource() : target.resource());
                store.save(key, tokens);
                progress.accept("refreshed the access token");
                return tokens.accessToken();
            } catch (IOException e) {
                progress.accept("refresh failed (" + e.getMessage() + "); logging in again");
            }
        }
        tokens = flow.run(target, options);
        store.save(key, tokens);
        return tokens.accessToken();
    }

    private static boolean expiresSoon(TokenSet t) {
        Object expiresIn = t.response().get("expires_in");
        if (!(expiresIn instanceof Number n)) {
            return false;
        }
        return Instant.now().getEpochSecond() + REFRESH_MARGIN_SECONDS >= t.obtainedAtEpochSecond() + n.longValue();
    }
}
