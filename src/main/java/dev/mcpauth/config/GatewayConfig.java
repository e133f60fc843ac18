package dev.mcpauth.config;

import dev.mcpauth.policy.Condition;
import dev.mcpauth.policy.RateLimit;
import dev.mcpauth.policy.ScopeHierarchy;
import dev.mcpauth.tools.CommandAllowlist;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything {@code serve} runs with: one immutable tree, built by the CLI from flags, the environment,
 * {@code .env}, {@code mcp-auth.yaml} and defaults, and checked by {@link #validate()} before anything starts.
 */
public record GatewayConfig(
        Listener listener,
        Auth auth,
        JwtChecks jwt,
        Policy policy,
        Tools tools,
        Edge edge,
        String scopeUpgradeEndpoint,
        List<String> authorizationServers,
        List<UpstreamConfig> upstreams) {

    /**
     * Where the gateway listens and what it calls itself.
     *
     * @param publicBaseUrl the origin clients use (e.g. behind a proxy), or null for {@code http://host:port}
     */
    public record Listener(String host, int port, String mcpPath, String publicBaseUrl, boolean stateless) {

        /** The canonical MCP URL for a bound port: the resource identifier tokens must name (RFC 8707). */
        public String resourceUrl(int boundPort) {
            return baseUrl(boundPort) + mcpPath;
        }

        public String baseUrl(int boundPort) {
            if (publicBaseUrl != null) {
                return publicBaseUrl.endsWith("/") ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1) : publicBaseUrl;
            }
            String h = host.contains(":") ? "[" + host + "]" : host;
            if ("0.0.0.0".equals(host) || "::".equals(host)) {
                h = "127.0.0.1";
            }
            return "http://" + h + ":" + boundPort;
        }
    }

    /** How tokens are validated: exactly one source of truth. */
    public sealed interface Auth {
        /** Human-readable for banners; never contains a secret. */
        String describe();
    }

    /** HS256/384/512 JWTs with a shared secret. */
    public record SharedSecret(byte[] secret) implements Auth {
        public String describe() {
            return "shared-secret JWT (HS256/HS384/HS512)";
        }
    }

    /** Asymmetric JWTs checked against a JWKS, given directly or discovered from the issuer. */
    public record Jwks(URI jwksUri, String issuer, dev.mcpauth.token.JwksOptions options) implements Auth {
        public Jwks(URI jwksUri, String issuer) {
            this(jwksUri, issuer, dev.mcpauth.token.JwksOptions.defaults());
        }

        public String describe() {
            return jwksUri != null ? "JWKS JWT (" + jwksUri + ")" : "JWKS JWT (discovered from issuer " + issuer + ")";
        }
    }

    /** RFC 7662 introspection against an external authorization server. */
    public record Introspection(URI endpoint, String clientId, String clientSecret, Duration cacheTtl, Duration timeout) implements Auth {
        /** With the default 5 s whole-request timeout. */
        public Introspection(URI endpoint, String clientId, String clientSecret, Duration cacheTtl) {
            this(endpoint, clientId, clientSecret, cacheTtl, Duration.ofSeconds(5));
        }

        public String describe() {
            return "RFC 7662 introspection (" + endpoint + ", client " + clientId + ")";
        }
    }

    /**
     * Several trusted issuers (the {@code issuers} section of {@code mcp-auth.yaml}): each token is verified by the
     * issuer its {@code iss} names, with that issuer's keys or introspection endpoint, audiences, skew and scope claim.
     */
    public record Issuers(List<TrustedIssuer> issuers) implements Auth {
        public Issuers {
            issuers = List.copyOf(issuers);
        }

        public String describe() {
            return issuers.size() + " issuers (" + String.join(", ", issuers.stream().map(TrustedIssuer::issuer).toList()) + ")";
        }
    }

    /** The embedded OAuth 2.1 authorization server, in the same process, on the same port. */
    public record EmbeddedAuthServer(boolean autoApprove, Path stateDir, byte[] secret, Map<String, String> users,
                                     int registrationsPerMinute, dev.mcpauth.authserver.StateDatabaseUrl stateDatabase) implements Auth {
        /** With the default 20 registrations per minute per address, and no shared state database. */
        public EmbeddedAuthServer(boolean autoApprove, Path stateDir, byte[] secret, Map<String, String> users) {
            this(autoApprove, stateDir, secret, users, 20, null);
        }

        public String describe() {
            return "embedded authorization server" + (autoApprove ? " (auto-approve)" : "");
        }
    }

    /**
     * Claim checks shared by the JWT verifiers.
     *
     * @param issuer             exact {@code iss}, or null to skip (only for the shared-secret layout)
     * @param extraAudiences     audiences accepted besides this server's resource URL
     * @param clientIdAsAudience accept {@code client_id} in place of {@code aud} (AWS Cognito access tokens)
     */
    public record JwtChecks(String issuer, Set<String> extraAudiences, boolean clientIdAsAudience, Duration clockSkew) {
    }

    /**
     * Per-tool scope rules on top of the built-in defaults, and what goes beyond flat scopes: which scopes imply which,
     * conditions on claims and arguments (compiled, by tool name or pattern), and per-caller rate limits.
     */
    public record Policy(Map<String, Set<String>> toolScopes, Set<String> defaultScopes, ScopeHierarchy implies,
                         Map<String, Condition> conditions, List<RateLimit> rateLimits) {

        public Policy {
            implies = implies == null ? ScopeHierarchy.NONE : implies;
            conditions = conditions == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(conditions));
            rateLimits = rateLimits == null ? List.of() : List.copyOf(rateLimits);
        }

        /** Flat scope rules only. */
        public Policy(Map<String, Set<String>> toolScopes, Set<String> defaultScopes) {
            this(toolScopes, defaultScopes, ScopeHierarchy.NONE, Map.of(), List.of());
        }
    }

    /**
     * The built-in tools.
     *
     * @param commandAllowlist the programs {@code execute_command} may run, each with the arguments it accepts
     */
    public record Tools(boolean enabled, Path filesRoot, CommandAllowlist commandAllowlist, Duration commandTimeout) {

        /** Bare program names: a default program keeps its safe arguments, any other runs without arguments. */
        public Tools(boolean enabled, Path filesRoot, List<String> programs, Duration commandTimeout) {
            this(enabled, filesRoot, CommandAllowlist.names(programs), commandTimeout);
        }
    }

    /**
     * Hardening of the HTTP edge.
     *
     * @param maxTokenFailures   failed token verifications allowed per client address per {@code tokenFailureWindow}
     *                           before new tokens from it get 429 unchecked; 0 turns this off
     * @param tokenFailureWindow how long an address's failures are counted, from the first one
     * @param allowedHosts       host names the Host header may carry besides the loopback names and the public URL's
     *                           host; when bound to a non-loopback address and empty, any host is accepted
     */
    public record Edge(List<String> allowedOrigins, long maxBodyBytes, int maxConcurrentRequests,
                       int maxTokenFailures, Duration tokenFailureWindow, List<String> allowedHosts, Capacity capacity) {

        /**
         * A real client fails about once per token lifetime (expired, refreshed, retried) and a few times while being
         * set up; 30 a minute leaves it ample room, even for several clients behind one address, while a flood of
         * forged tokens costs at most 30 signature checks a minute per address.
         */
        public static final int DEFAULT_MAX_TOKEN_FAILURES = 30;
        public static final Duration DEFAULT_TOKEN_FAILURE_WINDOW = Duration.ofMinutes(1);

        /** The default failed-token budget. */
        public Edge(List<String> allowedOrigins, long maxBodyBytes, int maxConcurrentRequests) {
            this(allowedOrigins, maxBodyBytes, maxConcurrentRequests, DEFAULT_MAX_TOKEN_FAILURES, DEFAULT_TOKEN_FAILURE_WINDOW);
        }

        /** No allowed hosts beyond the defaults. */
        public Edge(List<String> allowedOrigins, long maxBodyBytes, int maxConcurrentRequests,
                    int maxTokenFailures, Duration tokenFailureWindow) {
            this(allowedOrigins, maxBodyBytes, maxConcurrentRequests, maxTokenFailures, tokenFailureWindow, List.of());
        }

        /** The default capacity. */
        public Edge(List<String> allowedOrigins, long maxBodyBytes, int maxConcurrentRequests,
                    int maxTokenFailures, Duration tokenFailureWindow, List<String> allowedHosts) {
            this(allowedOrigins, maxBodyBytes, maxConcurrentRequests, maxTokenFailures, tokenFailureWindow, allowedHosts, Capacity.DEFAULTS);
        }

        public Edge {
            allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
            capacity = capacity == null ? Capacity.DEFAULTS : capacity;
        }

        /** A copy with other capacity limits. */
        public Edge withCapacity(Capacity capacity) {
            return new Edge(allowedOrigins, maxBodyBytes, maxConcurrentRequests, maxTokenFailures, tokenFailureWindow, allowedHosts, capacity);
        }
    }

    /**
     * What one client may hold besides requests in flight: connections (in all and per address, and how long one may
     * take to send its request head), long-lived SSE streams (in all and per subject) and MCP sessions per subject.
     * A subject is a token's issuer and subject; 0 connections per address means no per-address cap (behind a proxy).
     * Requests beyond the concurrent maximum wait in a line of {@code maxQueued} for at most {@code queueTimeout}.
     */
    public record Capacity(Duration headerTimeout, int maxConnections, int maxConnectionsPerAddress,
                           int maxStreams, int maxStreamsPerSubject, int maxSessionsPerSubject, Duration bodyTimeout,
                           int maxQueued, Duration queueTimeout) {

        /** With the default body timeout and request queue. */
        public Capacity(Duration headerTimeout, int maxConnections, int maxConnectionsPerAddress,
                        int maxStreams, int maxStreamsPerSubject, int maxSessionsPerSubject) {
            this(headerTimeout, maxConnections, maxConnectionsPerAddress, maxStreams, maxStreamsPerSubject, maxSessionsPerSubject,
                    dev.mcpauth.http.ConnectionLimits.DEFAULT_BODY_TIMEOUT);
        }

        /** With the default request queue. */
        public Capacity(Duration headerTimeout, int maxConnections, int maxConnectionsPerAddress,
                        int maxStreams, int maxStreamsPerSubject, int maxSessionsPerSubject, Duration bodyTimeout) {
            this(headerTimeout, maxConnections, maxConnectionsPerAddress, maxStreams, maxStreamsPerSubject, maxSessionsPerSubject,
                    bodyTimeout, dev.mcpauth.http.RequestLimits.DEFAULT_MAX_QUEUED, dev.mcpauth.http.RequestLimits.DEFAULT_QUEUE_TIMEOUT);
        }

        /** With the default body timeout. */
        public Capacity(Duration headerTimeout, int maxConnections, int maxConnectionsPerAddress,
                        int maxStreams, int maxStreamsPerSubject, int maxSessionsPerSubject, int maxQueued, Duration queueTimeout) {
            this(headerTimeout, maxConnections, maxConnectionsPerAddress, maxStreams, maxStreamsPerSubject, maxSessionsPerSubject,
                    dev.mcpauth.http.ConnectionLimits.DEFAULT_BODY_TIMEOUT, maxQueued, queueTimeout);
        }

        public static final Capacity DEFAULTS = new Capacity(dev.mcpauth.http.ConnectionLimits.DEFAULT_HEADER_TIMEOUT,
                dev.mcpauth.http.ConnectionLimits.DEFAULT_MAX_CONNECTIONS, dev.mcpauth.http.ConnectionLimits.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
                dev.mcpauth.http.OpenStreams.DEFAULT_MAX_STREAMS, dev.mcpauth.http.OpenStreams.DEFAULT_MAX_STREAMS_PER_SUBJECT,
                dev.mcpauth.mcp.UndertowStreamableTransport.DEFAULT_MAX_SESSIONS_PER_SUBJECT);

        /** A copy without the per-address connection cap (behind a reverse proxy). */
        public Capacity withNoPerAddressCap() {
            return new Capacity(headerTimeout, maxConnections, 0, maxStreams, maxStreamsPerSubject, maxSessionsPerSubject, bodyTimeout,
                    maxQueued, queueTimeout);
        }

        void validate() {
            if (headerTimeout.compareTo(Duration.ofMillis(100)) < 0 || headerTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new ConfigException("--header-timeout must be between 100ms and 10m, got " + headerTimeout.toMillis() + "ms");
            }
            if (bodyTimeout.compareTo(Duration.ofMillis(100)) < 0 || bodyTimeout.compareTo(Duration.ofHours(1)) > 0) {
                throw new ConfigException("--body-timeout must be between 100ms and 1h, got " + bodyTimeout.toMillis() + "ms");
            }
            if (maxConnections < 1) {
                throw new ConfigException("--max-connections must be at least 1, got " + maxConnections);
            }
            if (maxConnectionsPerAddress < 0) {
                throw new ConfigException("--max-connections-per-address must be 0 (no limit) or more, got " + maxConnectionsPerAddress);
            }
            if (maxStreams < 1 || maxStreamsPerSubject < 1) {
                throw new ConfigException("--max-streams and --max-streams-per-subject must be at least 1");
            }
            if (maxSessionsPerSubject < 1) {
                throw new ConfigException("--max-sessions-per-subject must be at least 1, got " + maxSessionsPerSubject);
            }
            if (maxQueued < 0) {
                throw new ConfigException("--max-queued must be 0 (refuse at once) or more, got " + maxQueued);
            }
            if (queueTimeout.isNegative() || queueTimeout.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new ConfigException("--queue-timeout must be between 0 (refuse at once) and 1m, got " + queueTimeout.toMillis() + "ms");
            }
        }
    }

    /** Where a fronted MCP server is: a command line (stdio) or a Streamable HTTP URL (with the gateway's own credentials). */
    public record UpstreamConfig(String name, List<String> command, URI url, UpstreamAuth auth,
            Map<String, Set<String>> toolScopes, Duration callTimeout, int maxConcurrentCalls, TokenExchange tokenExchange,
            String protocol) {

        /** Era negotiated ({@code protocol: auto}). */
        public UpstreamConfig(String name, List<String> command, URI url, UpstreamAuth auth,
                              Map<String, Set<String>> toolScopes, Duration callTimeout, int maxConcurrentCalls, TokenExchange tokenExchange) {
            this(name, command, url, auth, toolScopes, callTimeout, maxConcurrentCalls, tokenExchange, "auto");
        }

        /** Without token exchange: the upstream sees the gateway's own credential only. */
        public UpstreamConfig(String name, List<String> command, URI url, UpstreamAuth auth,
                              Map<String, Set<String>> toolScopes, Duration callTimeout, int maxConcurrentCalls) {
            this(name, command, url, auth, toolScopes, callTimeout, maxConcurrentCalls, null);
        }
    }

    /**
     * {@code upstreams[].token-exchange}: the caller's token is exchanged (RFC 8693) at {@code tokenEndpoint} for one
     * bound to the upstream ({@code audience}, else the upstream's URL as {@code resource}), so the upstream sees the
     * caller's identity, never the caller's token.
     */
    public record TokenExchange(URI tokenEndpoint, String clientId, String clientSecret, String audience, String scope) {
        @Override
        public String toString() {
            return "TokenExchange[" + clientId + " at " + tokenEndpoint + ", audience=" + audience + ", scope=" + scope + ", secret=***]";
        }
    }

    /**
     * The gateway's own credentials for an HTTP upstream: a static bearer token, or the client credentials grant
     * (RFC 6749 section 4.4) at {@code tokenEndpoint}. Never the caller's token (MCP forbids token passthrough).
     */
    public record UpstreamAuth(String bearerToken, URI tokenEndpoint, String clientId, String clientSecret, String scope) {

        public static UpstreamAuth bearer(String token) {
            return new UpstreamAuth(token, null, null, null, null);
        }

        @Override
        public String toString() {
            return bearerToken != null ? "UpstreamAuth[bearer=***]" : "UpstreamAuth[client_credentials " + clientId + " at " + tokenEndpoint + "]";
        }
    }

    /** Refuses a configuration that cannot work, naming the setting. */
    public GatewayConfig validate() {
        UpstreamPrograms.check(upstreams);
        if (listener.port() < 0 || listener.port() > 65535) {
            throw new ConfigException("--port must be between 0 and 65535, got " + listener.port());
        }
        if (!listener.mcpPath().startsWith("/") || listener.mcpPath().length() < 2 || listener.mcpPath().contains("?")) {
            throw new ConfigException("--mcp-path must be an absolute path such as /mcp, got '" + listener.mcpPath() + "'");
        }
        if (listener.publicBaseUrl() != null) {
            URI u = uri("--public-url", listener.publicBaseUrl());
            if (u.getPath() != null && !u.getPath().isEmpty() && !"/".equals(u.getPath())) {
                throw new ConfigException("--public-url is an origin (scheme://host[:port]); put the path in --mcp-path");
            }
        }
        switch (auth) {
            case SharedSecret s when s.secret().length < 32 ->
                throw new ConfigException("--secret must be at least 32 bytes (256 bits) for HS256, got " + s.secret().length);
            case Jwks j when j.jwksUri() == null && (j.issuer() == null || j.issuer().isBlank()) ->
                throw new ConfigException("JWKS validation needs --jwks-uri or --issuer");
            case Introspection i when i.clientId() == null || i.clientSecret() == null ->
                throw new ConfigException("--introspection-uri needs --introspection-client-id and --introspection-client-secret");
            case EmbeddedAuthServer e when e.secret() != null && e.secret().length < 32 ->
                throw new ConfigException("--secret must be at least 32 bytes (256 bits) for HS256, got " + e.secret().length);
            default -> { }
        }
        if (jwt.clockSkew().isNegative() || jwt.clockSkew().compareTo(Duration.ofMinutes(10)) > 0) {
            throw new ConfigException("--clock-skew must be between 0s and 10m");
        }
        if (edge.maxBodyBytes() < 1024) {
            throw new ConfigException("--max-body must be at least 1024 bytes");
        }
        if (edge.maxConcurrentRequests() < 1) {
            throw new ConfigException("--max-concurrent must be at least 1");
        }
        if (edge.maxTokenFailures() < 0) {
            throw new ConfigException("--max-token-failures must be 0 (no limit) or more, got " + edge.maxTokenFailures());
        }
        if (edge.tokenFailureWindow().compareTo(Duration.ofSeconds(1)) < 0 || edge.tokenFailureWindow().compareTo(Duration.ofDays(1)) > 0) {
            throw new ConfigException("--token-failure-window must be between 1s and 24h, got " + edge.tokenFailureWindow().toMillis() + "ms");
        }
        edge.capacity().validate();
        for (String host : edge.allowedHosts()) {
            if (!dev.mcpauth.http.AllowedHosts.isHostName(host)) {
                throw new ConfigException("--allowed-host takes a host name without scheme or port (e.g. mcp.example.com), got '" + host + "'");
            }
        }
        if (tools.enabled() && tools.filesRoot() != null && !java.nio.file.Files.isDirectory(tools.filesRoot())) {
            throw new ConfigException("--files-root " + tools.filesRoot() + " is not a directory");
        }
        if (tools.commandTimeout().isNegative() || tools.commandTimeout().isZero()) {
            throw new ConfigException("--command-timeout must be positive");
        }
        return this;
    }

    /** An http(s) URL setting, or a ConfigException naming it. */
    public static URI uri(String setting, String value) {
        try {
            URI u = new URI(value);
            if (u.getScheme() == null || u.getHost() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) {
                throw new ConfigException(setting + " must be an http(s) URL, got '" + value + "'");
            }
            return u;
        } catch (java.net.URISyntaxException e) {
            throw new ConfigException(setting + " is not a valid URL: '" + value + "'");
        }
    }
}
