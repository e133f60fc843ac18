package dev.mcpauth.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.oauth2.sdk.GeneralException;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.id.Issuer;
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
        return new AuthorizationTarget(null, List.of(), authorizationServer(url.toString()));
    }

    private AuthorizationTarget fromResource(URI url, String challenge) throws IOException, InterruptedException {
        String metadataUrl = Headers.extractQuotedValueFromHeader(challenge, "resource_metadata");
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
            URI resource = prm.hasNonNull("resource") ? URI.create(prm.get("resource").asText()) : url;
            List<String> scopes = new ArrayList<>();
            prm.path("scopes_supported").forEach(s -> scopes.add(s.asText()));
            progress.accept("discovery: resource " + resource + ", authorization server " + servers.get(0).asText());
            return new AuthorizationTarget(resource, scopes, authorizationServer(servers.get(0).asText()));
        }
        throw new IOException("no protected resource metadata found for " + url + " (tried " + candidates + ")");
    }

    /** RFC 8414 metadata for {@code issuer}, or its OpenID Connect alias; the document's issuer must match. */
    public AuthorizationServerMetadata authorizationServer(String issuer) throws IOException {
        Issuer iss = new Issuer(issuer.endsWith("/") && issuer.length() > 8 && URI.create(issuer).getPath().equals("/")
                ? issuer.substring(0, issuer.length() - 1) : issuer);
        try {
            AuthorizationServerMetadata md = AuthorizationServerMetadata.resolve(iss, 15_000, 15_000);
            progress.accept("discovery: RFC 8414 metadata of " + md.getIssuer());
            return md;
        } catch (GeneralException | IOException oauthFailed) {
            try {
                URI oidc = URI.create(iss.getValue() + "/.well-known/openid-configuration");
                HttpResponse<String> res = http.send(HttpRequest.newBuilder(oidc).timeout(Duration.ofSeconds(15)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (res.statusCode() != 200) {
                    throw new IOException("no authorization server metadata at " + iss + " (RFC 8414: " + oauthFailed.getMessage()
                            + "; OpenID configuration: HTTP " + res.statusCode() + ")");
                }
                AuthorizationServerMetadata md = AuthorizationServerMetadata.parse(res.body());
                if (!iss.equals(md.getIssuer())) {
                    throw new IOException("metadata at " + oidc + " names issuer " + md.getIssuer() + ", expected " + iss);
                }
                progress.accept("discovery: OpenID configuration of " + md.getIssuer());
                return md;
            } catch (ParseException e) {
                throw new IOException("authorization server metadata of " + iss + " is invalid: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
    }
}
