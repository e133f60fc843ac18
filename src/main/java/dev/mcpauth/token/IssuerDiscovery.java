package dev.mcpauth.token;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds an issuer's metadata (RFC 8414 authorization server metadata, or OpenID Connect discovery), in the order
 * the MCP authorization spec prescribes, and insists that the document is really about that issuer.
 */
public final class IssuerDiscovery {

    /** The parts of the metadata the token package needs. introspectionEndpoint may be null. */
    public record Metadata(String issuer, URI jwksUri, URI introspectionEndpoint, URI source) {
    }

    private static final int MAX_METADATA_BYTES = 256 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private IssuerDiscovery() {
    }

    /**
     * RFC 8414 section 3.1 inserts the well-known segment between host and path; OIDC Discovery 1.0 section 4
     * appends it. For an issuer without a path both forms are the same URL.
     */
    public static List<URI> candidateUrls(URI issuer) {
        String origin = issuer.getScheme() + "://" + issuer.getRawAuthority();
        String path = issuer.getRawPath() == null ? "" : issuer.getRawPath().replaceAll("/+$", "");
        List<URI> urls = new ArrayList<>();
        urls.add(URI.create(origin + "/.well-known/oauth-authorization-server" + path));
        urls.add(URI.create(origin + "/.well-known/openid-configuration" + path));
        if (!path.isEmpty()) {
            urls.add(URI.create(origin + path + "/.well-known/openid-configuration"));
        }
        return urls;
    }

    /**
     * Tries each candidate URL in turn: a non-200 answer moves on to the next; an unreachable server, a body that
     * is not JSON, or a document for another issuer stops with a message naming the URL.
     */
    public static Metadata discover(URI issuer, HttpClient http, Duration timeout) throws IOException {
        requireHttpUrl(issuer, "issuer");
        List<String> tried = new ArrayList<>();
        for (URI url : candidateUrls(issuer)) {
            HttpResponse<InputStream> response = get(http, url, timeout);
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    tried.add(url + " -> HTTP " + response.statusCode());
                    continue;
                }
                return parse(issuer, url, body.readNBytes(MAX_METADATA_BYTES + 1));
            }
        }
        throw new IOException("no authorization server metadata found for issuer " + issuer + "; tried " + tried);
    }

    private static HttpResponse<InputStream> get(HttpClient http, URI url, Duration timeout) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).header("Accept", "application/json").GET().build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + url, e);
        } catch (IOException e) {
            throw new IOException("could not fetch issuer metadata from " + url + " (" + dev.mcpauth.http.Failures.describe(e)
                    + "); check that the issuer URL is right and that this machine can reach it", e);
        }
    }

    private static Metadata parse(URI issuer, URI url, byte[] body) throws IOException {
        if (body.length > MAX_METADATA_BYTES) {
            throw new IOException("issuer metadata at " + url + " is larger than " + MAX_METADATA_BYTES + " bytes");
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            throw new IOException("issuer metadata at " + url + " is not JSON", e);
        }
        if (json == null || !json.isObject()) {
            throw new IOException("issuer metadata at " + url + " is not a JSON object");
        }
        // RFC 8414 section 3.3: the issuer in the document must be identical to the one we asked about.
        String declared = json.path("issuer").asText(null);
        if (!issuer.toString().equals(declared)) {
            throw new IOException("issuer metadata at " + url + " declares issuer " + declared + ", not " + issuer
                    + " (RFC 8414 section 3.3 requires them to be identical)");
        }
        String jwks = json.path("jwks_uri").asText(null);
        if (jwks == null) {
            throw new IOException("issuer metadata at " + url + " has no jwks_uri");
        }
        String introspection = json.path("introspection_endpoint").asText(null);
        return new Metadata(declared, requireHttpUrl(URI.create(jwks), "jwks_uri"),
                introspection == null ? null : requireHttpUrl(URI.create(introspection), "introspection_endpoint"), url);
    }

    static URI requireHttpUrl(URI url, String what) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase();
        if (!(scheme.equals("https") || scheme.equals("http")) || url.getHost() == null) {
            throw new IllegalArgumentException(what + " must be an absolute http(s) URL, got " + url);
        }
        return url;
    }
}
