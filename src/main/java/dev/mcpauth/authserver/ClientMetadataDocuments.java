package dev.mcpauth.authserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletionException;

/**
 * Clients whose {@code client_id} is the https URL of their metadata document (draft-ietf-oauth-client-id-metadata-document,
 * "CIMD"; MCP 2025-11-25 authorization): the document is fetched when the id is first seen, validated, and cached as
 * its HTTP cache headers allow, within bounds. Fetching a URL a stranger names is a server-side request forgery door
 * (CIMD §6.5), so only public addresses are fetched, with no redirects, a size cap and a time limit; loopback and
 * private addresses (and http on loopback) only when the operator allows them for development.
 */
final class ClientMetadataDocuments {
    /** CIMD §6.5 suggests the document be small; 5 KB holds any honest one. */
    static final int MAX_BYTES = 5 * 1024;
    static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration DEFAULT_TTL = Duration.ofMinutes(5);
    private static final Duration MAX_TTL = Duration.ofHours(24);
    private static final int MAX_CACHED = 1_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final boolean privateHostsAllowed;
    private final java.time.Clock clock;
    private final HttpClient http;
    private final Cache<String, Fetched> cache;

    private record Fetched(RegisteredClient client, Duration ttl) {
    }

    ClientMetadataDocuments(AuthServerConfig config) {
        this.privateHostsAllowed = config.clientMetadataFromPrivateHosts();
        this.clock = config.clock();
        // CIMD §6.5: a redirect could lead the server to an internal address after the checks; none is followed.
        this.http = HttpClient.newBuilder().connectTimeout(FETCH_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
        this.cache = Caffeine.newBuilder().maximumSize(MAX_CACHED).expireAfter(Expiry.creating((String url, Fetched f) -> f.ttl())).build();
    }

    /** Whether {@code clientId} names a metadata document (an http(s) URL) rather than a registered client. */
    static boolean isDocumentUrl(String clientId) {
        return clientId != null && (clientId.startsWith("https://") || clientId.startsWith("http://"));
    }

    /** The client the document at {@code url} describes, from the cache or fetched now; invalid_client when it cannot be used. */
    RegisteredClient resolve(String url) throws OAuthError {
        try {
            return cache.get(url, u -> {
                try {
                    return fetch(u);
                } catch (OAuthError e) {
                    throw new CompletionException(e);
                }
            }).client();
        } catch (CompletionException e) {
            if (e.getCause() instanceof OAuthError error) {
                throw error;
            }
            throw e;
        }
    }

    private Fetched fetch(String url) throws OAuthError {
        URI uri = checkedUrl(url);
        checkAddress(uri);
        HttpResponse<InputStream> response;
        try {
            response = http.send(HttpRequest.newBuilder(uri).timeout(FETCH_TIMEOUT).header("Accept", "application/json").GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw refused(url, "it could not be fetched within " + FETCH_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw refused(url, "the fetch was interrupted");
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw refused(url, "it answered HTTP " + response.statusCode() + " (redirects are not followed)");
            }
            byte[] bytes = body.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw refused(url, "it is larger than " + MAX_BYTES + " bytes");
            }
            RegisteredClient client = ClientMetadataDocument.parse(url, JSON.readTree(bytes), clock.instant().getEpochSecond());
            return new Fetched(client, CacheLifetime.of(response.headers(), DEFAULT_TTL, MAX_TTL));
        } catch (IOException e) {
            throw refused(url, "it is not a JSON object");
        }
    }

    /** CIMD §3: https, with a path, no fragment, no user info, no dot segments; http only on loopback in development. */
    private URI checkedUrl(String url) throws OAuthError {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw refused(url, "it is not a valid URL");
        }
        String path = uri.getRawPath();
        if (uri.getHost() == null || path == null || path.isEmpty() || path.equals("/") || uri.getRawFragment() != null
                || uri.getRawUserInfo() != null || path.matches(".*/\\.{1,2}(/.*)?")) {
            throw refused(url, "a client_id URL needs a host and a path, without fragment, user info or . and .. segments");
        }
        boolean devHttp = "http".equals(uri.getScheme()) && privateHostsAllowed && RedirectUris.isLoopbackHost(uri.getHost());
        if (!"https".equals(uri.getScheme()) && !devHttp) {
            throw refused(url, "a client_id URL must use https");
        }
        return uri;
    }

    /** CIMD §6.5 (SSRF): every address the host resolves to must be public, unless the operator allowed private ones. */
    private void checkAddress(URI uri) throws OAuthError {
        if (privateHostsAllowed) {
            return;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(uri.getHost());
        } catch (UnknownHostException e) {
            throw refused(uri.toString(), "its host does not resolve");
        }
        for (InetAddress a : addresses) {
            if (isPrivate(a)) {
                // The fetch resolves again, but over https a rebound name fails the certificate check of the real host.
                throw refused(uri.toString(), "its host resolves to a loopback or private address, which this server does not fetch");
            }
        }
    }

    static boolean isPrivate(InetAddress a) {
        byte[] b = a.getAddress();
        boolean uniqueLocalV6 = b.length == 16 && (b[0] & 0xfe) == 0xfc;
        boolean sharedV4 = b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
        return a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress() || uniqueLocalV6 || sharedV4;
    }

    static OAuthError refused(String url, String why) {
        return OAuthError.invalidClient("the client metadata document " + url + " cannot be used: " + why, false);
    }
}
