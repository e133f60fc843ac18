package dev.mcpauth.authserver;

import com.nimbusds.jose.jwk.JWK;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the embedded authorization server needs to know, fixed at start.
 *
 * @param issuer             the AS issuer URL (RFC 8414 §2): https, or http on loopback; no query or fragment
 * @param resources          the resource identifiers (RFC 8707) tokens may be issued for; the first is the default
 * @param scopesSupported    scope → description shown on the consent page, in display order
 * @param defaultScopes      scopes a client gets when it asks for none (RFC 6749 §3.3)
 * @param accessTokenTtl     lifetime of access tokens
 * @param refreshTokenTtl    lifetime of each refresh token (renewed on rotation)
 * @param codeTtl            lifetime of authorization codes (RFC 6749 §4.1.2 recommends at most 10 minutes)
 * @param autoApprove        issue codes to {@code autoApproveUser} without showing the consent page
 * @param autoApproveUser    the subject of auto-approved requests
 * @param users              demo users: username → password
 * @param userScopes         per-user allowed scopes; a user not listed may have every supported scope
 * @param sharedSecret       when set, access tokens are HS256 with this secret (at least 32 bytes)
 * @param signingKey         when set (and no shared secret), the private JWK that signs access tokens
 * @param stateDirectory     when set, clients and grants persist in an embedded database there, the generated key in a file
 * @param stateDatabase      when set, clients, grants and the generated key live in this PostgreSQL database, shared by replicas
 * @param preconfiguredClients clients known without registration (e.g. for client_credentials)
 * @param registrationsPerMinute dynamic registrations accepted per remote address per minute
 * @param clientMetadataFromPrivateHosts development only: fetch client ID metadata documents from loopback and private
 *                           addresses too (and over http on loopback)
 * @param clock              time source (tests inject a fixed clock)
 */
public record AuthServerConfig(
        URI issuer,
        List<String> resources,
        Map<String, String> scopesSupported,
        Set<String> defaultScopes,
        Duration accessTokenTtl,
        Duration refreshTokenTtl,
        Duration codeTtl,
        boolean autoApprove,
        String autoApproveUser,
        Map<String, String> users,
        Map<String, Set<String>> userScopes,
        String sharedSecret,
        JWK signingKey,
        Path stateDirectory,
        StateDatabaseUrl stateDatabase,
        List<PreconfiguredClient> preconfiguredClients,
        int registrationsPerMinute,
        boolean clientMetadataFromPrivateHosts,
        Clock clock) {

    /** The scopes the demo deployment knows, with what each lets a client do. */
    public static final Map<String, String> DEMO_SCOPES = demoScopes();

    /**
     * A client the operator configured, known without registration. Confidential (client_secret_basic or
     * client_secret_post); the only kind that may introspect, and use client_credentials for {@code scopes} (none:
     * no client_credentials at all).
     */
    public record PreconfiguredClient(String clientId, String clientSecret, Set<String> scopes, List<String> grantTypes) {
        public PreconfiguredClient {
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(clientSecret, "clientSecret");
            scopes = scopes == null ? Set.of() : java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(scopes));
            grantTypes = grantTypes == null || grantTypes.isEmpty() ? List.of(GrantTypes.CLIENT_CREDENTIALS) : List.copyOf(grantTypes);
        }
    }

    public AuthServerConfig {
        Objects.requireNonNull(issuer, "issuer");
        requireIssuer(issuer);
        resources = List.copyOf(resources);
        if (resources.isEmpty()) {
            throw new IllegalArgumentException("authserver: at least one resource identifier (RFC 8707) is required");
        }
        if (scopesSupported.isEmpty()) {
            throw new IllegalArgumentException("authserver: at least one supported scope is required");
        }
        scopesSupported = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(scopesSupported));
        // Insertion order kept: scope strings in responses come out the same on every run.
        defaultScopes = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(defaultScopes));
        for (String s : defaultScopes) {
            if (!scopesSupported.containsKey(s)) {
                throw new IllegalArgumentException("authserver: default scope '" + s + "' is not in the supported scopes " + scopesSupported.keySet());
            }
        }
        requirePositive(accessTokenTtl, "access token TTL");
        requirePositive(refreshTokenTtl, "refresh token TTL");
        requirePositive(codeTtl, "authorization code TTL");
        users = Map.copyOf(users);
        userScopes = Map.copyOf(userScopes);
        if (sharedSecret != null && sharedSecret.getBytes(StandardCharsets.UTF_8).length < 32) {
            throw new IllegalArgumentException("authserver: the HS256 shared secret must be at least 32 bytes (RFC 7518 §3.2)");
        }
        if (signingKey != null && !signingKey.isPrivate()) {
            throw new IllegalArgumentException("authserver: the signing key must be a private JWK (it has no private part)");
        }
        preconfiguredClients = List.copyOf(preconfiguredClients);
        for (PreconfiguredClient c : preconfiguredClients) {
            Set<String> unknown = Scopes.outside(c.scopes(), scopesSupported.keySet());
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException("authserver: client '" + c.clientId() + "' is granted unsupported scopes " + unknown
                        + "; supported: " + scopesSupported.keySet());
            }
        }
        if (registrationsPerMinute < 1) {
            throw new IllegalArgumentException("--registration-rate-limit must be at least 1 (registrations per minute per address)");
        }
        Objects.requireNonNull(clock, "clock");
        if (stateDirectory != null && stateDatabase != null) {
            throw new IllegalArgumentException("give --state-dir or --state-db, not both: the database holds everything the directory would");
        }
    }

    public static Builder builder(String issuer) {
        return new Builder(URI.create(issuer));
    }

    /** The issuer without a trailing slash, as it appears in the {@code iss} claim and metadata. */
    public String issuerString() {
        String s = issuer.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** Scopes the given user may hold (configured, or every supported scope). */
    public Set<String> allowedScopesForUser(String username) {
        return userScopes.getOrDefault(username, scopesSupported.keySet());
    }

    // RFC 8414 §2: the issuer is an https URL with no query or fragment; http is allowed on loopback for development.
    private static void requireIssuer(URI issuer) {
        if (!issuer.isAbsolute() || issuer.getRawQuery() != null || issuer.getRawFragment() != null || issuer.getHost() == null) {
            throw new IllegalArgumentException("authserver: issuer '" + issuer + "' must be an absolute URL without query or fragment");
        }
        if (!"https".equals(issuer.getScheme()) && !("http".equals(issuer.getScheme()) && RedirectUris.isLoopbackHost(issuer.getHost()))) {
            throw new IllegalArgumentException("authserver: issuer '" + issuer + "' must use https (http only on 127.0.0.1, [::1] or localhost)");
        }
    }

    private static void requirePositive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("authserver: " + what + " must be positive");
        }
    }

    private static Map<String, String> demoScopes() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("read:files", "Read files in the allowed directories");
        m.put("execute:commands", "Run allow-listed commands on this machine");
        m.put("read:user", "Read your user profile");
        m.put("math:calculate", "Use the calculator tools");
        return java.util.Collections.unmodifiableMap(m);
    }

    /** Defaults: the demo scopes, 15 min / 24 h / 60 s lifetimes, one demo/demo user, ES256, in memory. */
    public static final class Builder {
        private final URI issuer;
        private List<String> resources;
        private Map<String, String> scopesSupported = DEMO_SCOPES;
        private Set<String> defaultScopes;
        private Duration accessTokenTtl = Duration.ofMinutes(15);
        private Duration refreshTokenTtl = Duration.ofHours(24);
        private Duration codeTtl = Duration.ofSeconds(60);
        private boolean autoApprove;
        private String autoApproveUser = "demo";
        private Map<String, String> users = Map.of("demo", "demo");
        private Map<String, Set<String>> userScopes = Map.of();
        private String sharedSecret;
        private JWK signingKey;
        private Path stateDirectory;
        private StateDatabaseUrl stateDatabase;
        private final List<PreconfiguredClient> clients = new java.util.ArrayList<>();
        private int registrationsPerMinute = 20;
        private boolean clientMetadataFromPrivateHosts;
        private Clock clock = Clock.systemUTC();

        private Builder(URI issuer) {
            this.issuer = issuer;
        }

        public Builder resources(String... resources) { this.resources = List.of(resources); return this; }
        public Builder resources(List<String> resources) { this.resources = List.copyOf(resources); return this; }
        /** Scope names with their consent-page descriptions, in display order. */
        public Builder scopesSupported(Map<String, String> scopes) { this.scopesSupported = new LinkedHashMap<>(scopes); return this; }
        /** Scope names only; each is described by its own name on the consent page. */
        public Builder scopesSupported(String... scopes) {
            Map<String, String> m = new LinkedHashMap<>();
            for (String s : scopes) {
                m.put(s, DEMO_SCOPES.getOrDefault(s, s));
            }
            this.scopesSupported = m;
            return this;
        }
        public Builder defaultScopes(String... scopes) { this.defaultScopes = new LinkedHashSet<>(List.of(scopes)); return this; }
        public Builder defaultScopes(Set<String> scopes) { this.defaultScopes = new LinkedHashSet<>(scopes); return this; }
        public Builder accessTokenTtl(Duration ttl) { this.accessTokenTtl = ttl; return this; }
        public Builder refreshTokenTtl(Duration ttl) { this.refreshTokenTtl = ttl; return this; }
        public Builder codeTtl(Duration ttl) { this.codeTtl = ttl; return this; }
        public Builder autoApprove(boolean autoApprove) { this.autoApprove = autoApprove; return this; }
        public Builder autoApproveUser(String username) { this.autoApproveUser = username; return this; }
        public Builder users(Map<String, String> users) { this.users = Map.copyOf(users); return this; }
        public Builder userScopes(String username, Set<String> scopes) {
            Map<String, Set<String>> m = new LinkedHashMap<>(userScopes);
            m.put(username, Set.copyOf(scopes));
            this.userScopes = m;
            return this;
        }
        public Builder sharedSecret(String secret) { this.sharedSecret = secret; return this; }
        public Builder signingKey(JWK privateKey) { this.signingKey = privateKey; return this; }
        public Builder stateDirectory(Path dir) { this.stateDirectory = dir; return this; }
        public Builder stateDatabase(StateDatabaseUrl db) { this.stateDatabase = db; return this; }
        public Builder client(PreconfiguredClient client) { this.clients.add(client); return this; }
        public Builder registrationsPerMinute(int n) { this.registrationsPerMinute = n; return this; }
        public Builder clientMetadataFromPrivateHosts(boolean allowed) { this.clientMetadataFromPrivateHosts = allowed; return this; }
        public Builder clock(Clock clock) { this.clock = clock; return this; }

        public AuthServerConfig build() {
            String base = issuer.toString().endsWith("/") ? issuer.toString().substring(0, issuer.toString().length() - 1) : issuer.toString();
            List<String> res = resources != null ? resources : List.of(base + "/mcp");
            Set<String> defaults = defaultScopes != null ? defaultScopes : scopesSupported.keySet();
            return new AuthServerConfig(issuer, res, scopesSupported, defaults, accessTokenTtl, refreshTokenTtl, codeTtl,
                    autoApprove, autoApproveUser, users, userScopes, sharedSecret, signingKey, stateDirectory, stateDatabase, clients,
                    registrationsPerMinute, clientMetadataFromPrivateHosts, clock);
        }
    }
}
