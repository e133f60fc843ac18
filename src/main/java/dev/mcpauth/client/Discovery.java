package dev.mcpauth.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.id.Issuer;
import dev.mcpauth.token.IssuerDiscovery;
import io.undertow.util.Headers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The client side of MCP authorization discovery: from an MCP URL, the {@code 401} challenge's
 * {@code resource_metadata} (RFC 9728 §5.1), else the well-known resource metadata URLs (RFC 9728 §3.1), then
 * the authorization server's metadata (RFC 8414, falling back to OpenID Connect discovery). From an issuer URL,
 * the AS metadata directly.
 */
public final class Discovery {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http;
    private final Consumer<String> progress;

    public Discovery(HttpClient http, Consumer<String> progress) {
        this.http = http;
        this.progress = progress;
    }

    /** Discovers from {@code url}: an MCP endpoint (answers 401) or an authorization server's issuer URL. */
    public AuthorizationTarget discover(URI url) throws IOException, InterruptedException {
        HttpResponse<String> probe = http.send(HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"ping\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (probe.statusCode() == 401) {
            return fromResource(url, probe.headers().firstValue("WWW-Authenticate").orElse(""));
        }
        progress.accept("discovery: " + url + " answered " + probe.statusCode() + ", not 401; treating it as an issuer URL");
        return new AuthorizationTarget(null, List.of(), List.of(), authorizationServer(url.toString()));
    }

    private AuthorizationTarget fromResource(URI url, String challenge) throws IOException, InterruptedException {
        String metadataUrl = Headers.extractQuotedValueFromHeader(challenge, "resource_metadata");
        String scope = Headers.extractQuotedValueFromHeader(challenge, "scope");
        List<String> challenged = scope == null || scope.isBlank() ? List.of() : List.of(scope.trim().split(" +"));
        List<URI> candidates = new ArrayList<>();
        if (metadataUrl != null) {
            progress.accept("discovery: 401 from " + url + ", resource_metadata=" + metadataUrl);
            candidates.add(url.resolve(metadataUrl));
        } else {
            progress.accept("discovery: 401 from " + url + " without resource_metadata; trying well-known URLs");
            String path = url.getPath() == null || "/".equals(url.getPath()) ? "" : url.getPath();
            candidates.add(url.resolve("/.well-known/oauth-protected-resource" + path));
            candidates.add(url.resolve("/.well-known/oauth-protected-resource"));
        }
        for (URI candidate : candidates) {
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(candidate).timeout(Duration.ofSeconds(15)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() != 200) {
                continue;
            }
            JsonNode prm = JSON.readTree(res.body());
            JsonNode servers = prm.path("authorization_servers");
            if (!servers.isArray() || servers.isEmpty()) {
                throw new IOException("protected resource metadata at " + candidate + " names no authorization_servers");
            }
            URI resource = requireSameResource(url, prm.path("resource").asText(null), candidate);
            List<String> scopes = new ArrayList<>();
            prm.path("scopes_supported").forEach(s -> scopes.add(s.asText()));
            progress.accept("discovery: resource " + resource + ", authorization server " + servers.get(0).asText()
                    + (challenged.isEmpty() ? "" : ", challenge scope " + String.join(" ", challenged)));
            return new AuthorizationTarget(resource, scopes, challenged, authorizationServer(servers.get(0).asText()));
        }
        if (metadataUrl == null) {
            return legacy(url, challenged, candidates);
        }
        throw new IOException("no protected resource metadata found for " + url + " (tried " + candidates + ")");
    }

    /**
     * A server of the 2025-03-26 revision, which had no resource metadata: the authorization base URL is the MCP URL
     * without its path; its RFC 8414 metadata, else the default endpoints {@code /authorize}, {@code /token} and
     * {@code /register} there. No resource indicator is sent (that revision knew none).
     */
    private AuthorizationTarget legacy(URI url, List<String> challenged, List<URI> tried) throws IOException, InterruptedException {
        String base = url.getScheme() + "://" + url.getRawAuthority();
        progress.accept("discovery: no protected resource metadata (tried " + tried + "); trying " + base
                + " as the authorization server (MCP 2025-03-26)");
        try {
            return new AuthorizationTarget(null, List.of(), challenged, authorizationServer(base));
        } catch (NotFound e) {
            progress.accept("discovery: no metadata at " + base + "; using its default endpoints /authorize, /token, /register");
            AuthorizationServerMetadata md = new AuthorizationServerMetadata(new Issuer(base));
            md.setAuthorizationEndpointURI(URI.create(base + "/authorize"));
            md.setTokenEndpointURI(URI.create(base + "/token"));
            md.setRegistrationEndpointURI(URI.create(base + "/register"));
            // The 2025-03-26 revision made PKCE S256 mandatory for every client and server.
            md.setCodeChallengeMethods(List.of(com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod.S256));
            return new AuthorizationTarget(null, List.of(), challenged, md);
        }
    }

    /** No metadata document at any of the issuer's well-known URLs. */
    static final class NotFound extends IOException {
        NotFound(String message) {
            super(message);
        }
    }

    /**
     * RFC 9728 §3.3: the metadata's {@code resource} MUST be the resource we asked about, or a server could send us to
     * get a token for another resource (and we would hand it to this one). Metadata found at the root well-known URL
     * describes the origin, so as in the MCP SDKs a resource on the same origin whose path contains ours is accepted.
     */
    private static URI requireSameResource(URI asked, String declared, URI metadataUrl) throws IOException {
        if (declared == null || !(sameUrl(asked, URI.create(declared)) || contains(URI.create(declared), asked))) {
            throw new IOException("protected resource metadata at " + metadataUrl + " is for resource " + declared
                    + ", not for " + asked + " (RFC 9728 section 3.3); refusing to get a token for it");
        }
        return URI.create(declared);
    }

    /** Identical up to case of scheme and host, the default port and a trailing slash (RFC 3986 §6.2.3). */
    private static boolean sameUrl(URI a, URI b) {
        return normal(a).equals(normal(b));
    }

    /** Same scheme, host and port, and {@code outer}'s path is a whole-segment prefix of {@code inner}'s. */
    private static boolean contains(URI outer, URI inner) {
        if (outer.getRawQuery() != null || inner.getRawQuery() != null) {
            return false;
        }
        String o = normal(outer);
        String i = normal(inner);
        return i.startsWith(o + "/") || i.equals(o);
    }

    private static String normal(URI u) {
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
        int port = u.getPort() == -1 ? ("https".equals(scheme) ? 443 : "http".equals(scheme) ? 80 : -1) : u.getPort();
        String path = u.getRawPath() == null ? "" : u.getRawPath().replaceAll("/+$", "");
        return scheme + "://" + (u.getHost() == null ? "" : u.getHost().toLowerCase(java.util.Locale.ROOT)) + ":" + port + path
                + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    }

    /**
     * The metadata of {@code issuer} at the URLs the MCP authorization spec lists, in its order (RFC 8414 §3.1 inserts
     * the well-known segment before the issuer's path; then OpenID Connect discovery, both ways); the document's
     * issuer must be identical to the one asked for (RFC 8414 §3.3).
     */
    public AuthorizationServerMetadata authorizationServer(String issuer) throws IOException {
        Issuer iss = new Issuer(issuer.endsWith("/") && issuer.length() > 8 && URI.create(issuer).getPath().equals("/")
                ? issuer.substring(0, issuer.length() - 1) : issuer);
        List<String> tried = new ArrayList<>();
        for (URI url : IssuerDiscovery.candidateUrls(URI.create(iss.getValue()))) {
            HttpResponse<String> res;
            try {
                res = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(15)).header("Accept", "application/json").GET().build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while fetching " + url);
            }
            if (res.statusCode() != 200) {
                tried.add(url + " -> HTTP " + res.statusCode());
                continue;
            }
            AuthorizationServerMetadata md;
            try {
                md = AuthorizationServerMetadata.parse(res.body());
            } catch (ParseException e) {
                throw new IOException("authorization server metadata at " + url + " is invalid: " + e.getMessage());
            }
            if (!iss.equals(md.getIssuer())) {
                throw new IOException("metadata at " + url + " names issuer " + md.getIssuer() + ", expected " + iss + " (RFC 8414 section 3.3)");
            }
            progress.accept("discovery: authorization server metadata of " + md.getIssuer() + " at " + url);
            return md;
        }
        throw new NotFound("no authorization server metadata found for issuer " + iss + "; tried " + tried);
    }
}
