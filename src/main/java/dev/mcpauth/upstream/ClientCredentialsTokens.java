package dev.mcpauth.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The gateway's own access token for one upstream, obtained with the client credentials grant (RFC 6749 section 4.4),
 * cached, and fetched again before it expires. Thread-safe; a token or secret is never logged.
 */
final class ClientCredentialsTokens implements TokenSource {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** When the server gives no {@code expires_in} (it is only RECOMMENDED, RFC 6749 section 5.1), keep the token this long. */
    static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** How long after replacing a refused token a refusal naming no token is taken to be about the old one. */
    static final Duration REPLACED_GRACE = Duration.ofSeconds(2);

    private final UpstreamCredentials.ClientCredentials credentials;
    private final URI resource;
    private final HttpClient http;
    private final Clock clock;
    private String token;
    private Instant refreshAt = Instant.MIN;
    /** The next fetch replaces a token the upstream refused. */
    private boolean replacing;
    /** When the cached token was fetched to replace a refused one. */
    private Instant replacedAt = Instant.MIN;

    /**
     * @param resource the upstream's URL, sent as the RFC 8707 {@code resource} so the token is bound to that server
     *                 (the MCP authorization spec requires it in token requests)
     */
    ClientCredentialsTokens(UpstreamCredentials.ClientCredentials credentials, URI resource, HttpClient http, Clock clock) {
        this.credentials = credentials;
        this.resource = resource;
        this.http = http;
        this.clock = clock;
    }

    /** A token that is not about to expire: the cached one, or a new one from the token endpoint. */
    @Override
    public synchronized String current() throws IOException, InterruptedException {
        if (token == null || !clock.instant().isBefore(refreshAt)) {
            fetch();
        }
        return token;
    }

    /** Forgets the cached token (the upstream rejected it), so that the next call fetches a new one. */
    @Override
    public synchronized void invalidate() {
        token = null;
    }

    @Override
    public boolean rejected(int status, String challenge) {
        return rejected(status, challenge, null);
    }

    /**
     * Requests in flight together are refused together when a token is revoked (a call and the SDK's listen stream,
     * say); the first refusal replaces the token and the others retry with the new one, rather than each fetching
     * (and discarding) its own. With {@code sent} known, a refusal replaces the token only if it is still the one
     * sent. The SDK's 2025 transport does not say which token a refused request carried: then a refusal within
     * {@link #REPLACED_GRACE} of replacing a refused token is taken as a late refusal of the old one.
     */
    @Override
    public synchronized boolean rejected(int status, String challenge, String sent) {
        if (sent != null) {
            if (sent.equals(token)) {
                replaceRefused();
            }
            return true;
        }
        if (token != null && clock.instant().isBefore(replacedAt.plus(REPLACED_GRACE))) {
            return true;
        }
        replaceRefused();
        return true;
    }

    private void replaceRefused() {
        token = null;
        replacing = true;
    }

    private void fetch() throws IOException, InterruptedException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        if (credentials.scope() != null && !credentials.scope().isBlank()) {
            form.put("scope", credentials.scope());
        }
        form.put("resource", resource.toString());
        HttpRequest request = HttpRequest.newBuilder(credentials.tokenEndpoint())
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                // client_secret_basic, which every authorization server must support (RFC 6749 section 2.3.1).
                .header("Authorization", "Basic " + basic(credentials.clientId(), credentials.clientSecret()))
                .POST(HttpRequest.BodyPublishers.ofString(formBody(form)))
                .build();
        Instant sent = clock.instant();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode body = parse(response.body());
        if (response.statusCode() != 200) {
            throw new IOException("token endpoint " + credentials.tokenEndpoint() + " refused client_credentials for client '"
                    + credentials.clientId() + "': HTTP " + response.statusCode() + " " + body.path("error").asText("")
                    + " " + body.path("error_description").asText(""));
        }
        String accessToken = body.path("access_token").asText("");
        String tokenType = body.path("token_type").asText("");
        if (accessToken.isEmpty() || !tokenType.equalsIgnoreCase("Bearer")) {
            throw new IOException("token endpoint " + credentials.tokenEndpoint() + " answered without a Bearer access_token (token_type '" + tokenType + "')");
        }
        Duration lifetime = body.hasNonNull("expires_in") ? Duration.ofSeconds(Math.max(1, body.get("expires_in").asLong())) : DEFAULT_LIFETIME;
        token = accessToken;
        refreshAt = sent.plus(lifetime.minus(refreshMargin(lifetime)));
        replacedAt = replacing ? clock.instant() : Instant.MIN;
        replacing = false;
    }

    /** Fetch a new token this long before the old one expires: a minute, or a tenth of short lifetimes. */
    static Duration refreshMargin(Duration lifetime) {
        Duration tenth = lifetime.dividedBy(10);
        return tenth.compareTo(Duration.ofMinutes(1)) < 0 ? tenth : Duration.ofMinutes(1);
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static String basic(String clientId, String secret) {
        // RFC 6749 section 2.3.1: id and secret are form-encoded before being joined.
        String pair = form(clientId) + ":" + form(secret);
        return Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    private static String formBody(Map<String, String> form) {
        return form.entrySet().stream().map(e -> form(e.getKey()) + "=" + form(e.getValue())).collect(Collectors.joining("&"));
    }

    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
