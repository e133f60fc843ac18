package dev.mcpauth.upstream;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.mcpauth.token.AccessToken;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One connection per caller to an upstream that acts on the caller's behalf ({@link UpstreamCredentials.OnBehalfOf}).
 * <p>
 * Why a connection per caller: the SDK's Streamable HTTP client sets one {@code Authorization} header per transport,
 * and an MCP server binds its session to the user who opened it (MCP security best practices, "Session
 * Hijacking"), so the calls of two callers cannot share one session. The shared connection of
 * {@link UpstreamConnection} keeps listing the upstream's tools with the gateway's own credential; a caller's tool calls
 * go on its own connection, opened on its first call with its exchanged token ({@link ExchangedTokens}), kept while it
 * is used, closed after {@link #IDLE} unused or when more than {@link #MAX_SESSIONS} callers are connected.
 */
final class CallerSessions implements AutoCloseable {

    static final int MAX_SESSIONS = 256;
    static final Duration IDLE = Duration.ofMinutes(10);

    /** A caller's connection and the token its requests carry, exchanged from the caller's latest token. */
    private static final class Caller implements TokenSource {
        private final ExchangedTokens tokens;
        private final AtomicReference<AccessToken> latest;
        private volatile UpstreamSession session;

        Caller(ExchangedTokens tokens, AccessToken caller) {
            this.tokens = tokens;
            this.latest = new AtomicReference<>(caller);
        }

        @Override
        public String current() throws IOException {
            return tokens.token(latest.get());
        }

        @Override
        public void invalidate() {
            tokens.forget(latest.get());
        }

        /** A 401 may be an exchanged token revoked early: exchange again once. A 403 will not change: give it to the caller. */
        @Override
        public boolean rejected(int status, String challenge) {
            invalidate();
            return status == 401;
        }
    }

    private final UpstreamSpec spec;
    private final ExchangedTokens tokens;
    private final HttpClient http;
    private final Clock clock;
    private final Executor opener = task -> Thread.ofVirtual().name("upstream-caller-connect").start(task);
    private final AsyncCache<ExchangedTokens.Caller, Caller> sessions;

    CallerSessions(UpstreamSpec spec, UpstreamCredentials.OnBehalfOf onBehalf, HttpClient http, Clock clock) {
        this.spec = spec;
        this.tokens = new ExchangedTokens(onBehalf.exchange(), spec.name(), spec.url(), clock);
        this.http = http;
        this.clock = clock;
        this.sessions = Caffeine.newBuilder().maximumSize(MAX_SESSIONS).expireAfterAccess(IDLE).executor(opener)
                .removalListener((ExchangedTokens.Caller key, Caller caller, RemovalCause cause) -> {
                    if (caller != null && caller.session != null) {
                        caller.session.close();
                    }
                })
                .buildAsync();
    }

    /**
     * The caller's live connection, opened now if it has none (its token exchanged first, so a refused exchange is
     * reported as such). Blocks up to the call timeout.
     *
     * @throws IOException with a message for the caller when the exchange is refused or the connection cannot be opened
     */
    UpstreamSession session(AccessToken caller) throws IOException {
        // The exchange comes first and on its own: a refusal is the authorization server's answer, not a connection failure.
        tokens.token(caller);
        ExchangedTokens.Caller key = ExchangedTokens.Caller.of(caller);
        for (int attempt = 0; attempt < 2; attempt++) {
            CompletableFuture<Caller> opened = sessions.get(key, (k, executor) -> CompletableFuture.supplyAsync(() -> open(caller), executor));
            Caller found = await(opened);
            found.latest.set(caller);
            if (!found.session.lost().isDone()) {
                return found.session;
            }
            sessions.asMap().remove(key, opened);
        }
        throw new IOException("upstream " + spec.name() + " dropped the caller's connection as it was opened; try again shortly");
    }

    private Caller open(AccessToken caller) {
        Caller entry = new Caller(tokens, caller);
        UpstreamSpec own = new UpstreamSpec(spec.name(), null, spec.env(), null, spec.url(), new UpstreamCredentials.Provided(entry),
                spec.callTimeout(), spec.maxConcurrentCalls(), spec.prefix(), spec.era());
        UpstreamSession session = UpstreamSession.createForCaller(own, http, clock);
        try {
            session.connect();
        } catch (RuntimeException e) {
            // The upstream's own answer (401/403 and its challenge) says more than the transport's exception.
            throw session.refusal().<RuntimeException>map(refusal -> new Refused(spec.name(), refusal)).orElse(e);
        }
        entry.session = session;
        return entry;
    }

    private Caller await(CompletableFuture<Caller> opened) throws IOException {
        try {
            return opened.get(spec.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException("upstream " + spec.name() + " did not accept a connection for the caller within " + spec.callTimeout().toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("connecting to upstream " + spec.name() + " for the caller was interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Refused refused) {
                throw new IOException(refused.getMessage());
            }
            throw new IOException("upstream " + spec.name() + " could not be connected for the caller ("
                    + dev.mcpauth.http.Failures.describe(e.getCause()) + "); try again shortly");
        }
    }

    /** The upstream refused the caller's exchanged token when the connection was opened. */
    private static final class Refused extends RuntimeException {
        Refused(String upstream, String refusal) {
            super(UpstreamCalls.refusedCredential(upstream, refusal), null, false, false);
        }
    }

    /** Callers connected now (diagnostics, tests). */
    long size() {
        return sessions.synchronous().estimatedSize();
    }

    @Override
    public void close() {
        sessions.synchronous().invalidateAll();
        sessions.synchronous().cleanUp();
    }
}
