package dev.mcpauth.upstream;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.TokenTypeURI;
import com.nimbusds.oauth2.sdk.tokenexchange.TokenExchangeGrant;
import dev.mcpauth.token.AccessToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The caller's token exchanged for one bound to an upstream (RFC 8693), cached per caller until shortly before it
 * expires, and never past the caller's own token: one exchange per caller and lifetime, not per call. A caller is
 * its issuer, subject, client and scopes, so a narrower token of the same user never reuses a wider exchange.
 * Thread-safe; tokens and the client secret are never logged.
 */
final class ExchangedTokens {

    /** Callers remembered at once (about 2 KB each). */
    static final int MAX_CALLERS = 10_000;
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int READ_TIMEOUT_MS = 15_000;

    /** Whose exchanged token it is. */
    record Caller(String issuer, String subject, String clientId, Set<String> scopes) {
        static Caller of(AccessToken token) {
            return new Caller(token.issuer(), token.subject(), token.clientId(), new TreeSet<>(token.scopes()));
        }
    }

    private record Exchanged(String token, Instant refreshAt) {
    }

    /** The authorization server would not exchange the caller's token: said in words the caller can act on. */
    static final class ExchangeRefused extends IOException {
        ExchangeRefused(String message) {
            super(message);
        }
    }

    private final UpstreamCredentials.TokenExchange exchange;
    private final String upstream;
    private final URI resource;
    private final Clock clock;
    private final Cache<Caller, Exchanged> cache;

    /** @param resource the upstream's URL, sent as {@code resource} when no {@code audience} is configured */
    ExchangedTokens(UpstreamCredentials.TokenExchange exchange, String upstream, URI resource, Clock clock) {
        this.exchange = exchange;
        this.upstream = upstream;
        this.resource = resource;
        this.clock = clock;
        this.cache = Caffeine.newBuilder().maximumSize(MAX_CALLERS)
                .expireAfter(Expiry.creating((Caller caller, Exchanged e) -> positive(Duration.between(clock.instant(), e.refreshAt()))))
                .build();
    }

    /** The caller's exchanged token: the cached one, or a new exchange (one per caller at a time). */
    String token(AccessToken caller) throws IOException {
        if (caller.presented() == null) {
            throw new ExchangeRefused("upstream " + upstream + " acts on the caller's behalf, but this request carries no token to exchange");
        }
        try {
            return cache.get(Caller.of(caller), key -> {
                try {
                    return exchange(caller);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).token();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** The upstream refused the exchanged token: the next call exchanges again. */
    void forget(AccessToken caller) {
        cache.invalidate(Caller.of(caller));
    }

    private Exchanged exchange(AccessToken caller) throws IOException {
        TokenExchangeGrant grant = new TokenExchangeGrant(new BearerAccessToken(caller.presented().value()), TokenTypeURI.ACCESS_TOKEN,
                null, null, TokenTypeURI.ACCESS_TOKEN, exchange.audience() == null ? null : List.of(new Audience(exchange.audience())));
        TokenRequest.Builder request = new TokenRequest.Builder(exchange.tokenEndpoint(),
                new ClientSecretBasic(new ClientID(exchange.clientId()), new Secret(exchange.clientSecret())), grant);
        if (exchange.scope() != null && !exchange.scope().isBlank()) {
            request.scope(Scope.parse(exchange.scope()));
        }
        if (exchange.audience() == null) {
            request.resource(resource);
        }
        HTTPRequest http = request.build().toHTTPRequest();
        http.setConnectTimeout(CONNECT_TIMEOUT_MS);
        http.setReadTimeout(READ_TIMEOUT_MS);
        Instant sent = clock.instant();
        TokenResponse response;
        try {
            response = TokenResponse.parse(http.send());
        } catch (ExchangeRefused e) {
            throw e;
        } catch (IOException e) {
            throw new ExchangeRefused("the token endpoint " + exchange.tokenEndpoint() + " could not be reached to exchange the caller's"
                    + " token for upstream " + upstream + " (" + dev.mcpauth.http.Failures.describe(e) + "); try again shortly");
        } catch (ParseException e) {
            throw new ExchangeRefused("the token endpoint " + exchange.tokenEndpoint() + " answered the token exchange for upstream "
                    + upstream + " with something that is not an OAuth token response");
        }
        if (!response.indicatesSuccess()) {
            ErrorObject error = response.toErrorResponse().getErrorObject();
            throw new ExchangeRefused("the authorization server refused to exchange the caller's token for upstream " + upstream + " (HTTP "
                    + error.getHTTPStatusCode() + " " + error.getCode() + (error.getDescription() == null ? "" : ": " + error.getDescription())
                    + ")");
        }
        com.nimbusds.oauth2.sdk.token.AccessToken issued = response.toSuccessResponse().getTokens().getAccessToken();
        Duration lifetime = issued.getLifetime() > 0 ? Duration.ofSeconds(issued.getLifetime()) : ClientCredentialsTokens.DEFAULT_LIFETIME;
        Instant refreshAt = sent.plus(lifetime.minus(ClientCredentialsTokens.refreshMargin(lifetime)));
        // Never past the caller's own token: once the gateway would refuse it, its exchange is not used either.
        if (caller.acceptedUntil() != null && caller.acceptedUntil().isBefore(refreshAt)) {
            refreshAt = caller.acceptedUntil();
        }
        return new Exchanged(issued.getValue(), refreshAt);
    }

    private static Duration positive(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    @Override
    public String toString() {
        return "token exchange at " + exchange.tokenEndpoint() + " as " + exchange.clientId() + " for upstream " + upstream;
    }
}
