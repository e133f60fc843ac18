package dev.mcpauth.gateway;

import com.nimbusds.jose.jwk.JWKSet;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.token.IssuerDiscovery;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Whether the source of truth for tokens can be reached: the JWKS has keys, the introspection endpoint answers.
 * A probe answers empty when it can, or why not in words safe for a public readiness body (no host, no URL).
 * Shared secrets and the embedded authorization server need nothing outside the process.
 */
public final class AuthorityReachability {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private AuthorityReachability() {
    }

    public static Supplier<Optional<String>> probe(GatewayConfig.Auth auth) {
        return switch (auth) {
            case GatewayConfig.Jwks j -> () -> jwksHasKeys(j);
            case GatewayConfig.Introspection i -> () -> answers(i.endpoint());
            default -> Optional::empty;
        };
    }

    private static Optional<String> jwksHasKeys(GatewayConfig.Jwks jwks) {
        try (HttpClient http = client()) {
            URI uri = jwks.jwksUri() != null ? jwks.jwksUri()
                    : IssuerDiscovery.discover(URI.create(jwks.issuer()), http, TIMEOUT).jwksUri();
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() == 200 && !JWKSet.parse(res.body()).getKeys().isEmpty()) {
                return Optional.empty();
            }
            return Optional.of("the token signing keys (JWKS) are not available yet");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        } catch (Exception e) {
            return Optional.of("the token signing keys (JWKS) cannot be fetched yet");
        }
    }

    /** Any HTTP answer below 500 means the introspection endpoint is there (it refuses an unauthenticated probe). */
    private static Optional<String> answers(URI endpoint) {
        try (HttpClient http = client()) {
            HttpResponse<Void> res = http.send(HttpRequest.newBuilder(endpoint).timeout(TIMEOUT)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            return res.statusCode() < 500 ? Optional.empty() : Optional.of("the token introspection endpoint is failing");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        } catch (Exception e) {
            return Optional.of("the token introspection endpoint cannot be reached yet");
        }
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }
}
