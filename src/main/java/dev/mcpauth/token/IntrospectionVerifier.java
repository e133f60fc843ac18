package dev.mcpauth.token;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimNames;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.JWTClaimsSetVerifier;
import dev.mcpauth.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Asks the authorization server whether a token is active (RFC 7662 token introspection), authenticating with
 * client_secret_basic, then applies the same issuer/audience/expiry rules as for JWTs.
 */
public final class IntrospectionVerifier implements TokenVerifier {

    /**
     * @param connectTimeout   TCP/TLS connect timeout
     * @param requestTimeout   whole-request timeout
     * @param maxTtlWithoutExp when non-null, a response without {@code exp} is accepted and treated as expiring
     *                         this long from now; when null such a response is refused
     */
    public record Options(Duration connectTimeout, Duration requestTimeout, Duration maxTtlWithoutExp) {
        public static Options defaults() {
            return new Options(Duration.ofSeconds(2), Duration.ofSeconds(5), null);
        }

        public Options withMaxTtlWithoutExp(Duration ttl) {
            return new Options(connectTimeout, requestTimeout, ttl);
        }

        /** The whole-request timeout (--introspection-timeout); the connect timeout is never longer. */
        public Options withRequestTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("the introspection timeout must be positive");
            }
            return new Options(connectTimeout.compareTo(timeout) < 0 ? connectTimeout : timeout, timeout, maxTtlWithoutExp);
        }
    }

    private static final int MAX_RESPONSE_BYTES = 1024 * 1024;
    private static final ObjectMapper JSON = Json.shared();

    private final URI endpoint;
    private final String clientId;
    private final String authorization;
    private final JwtRules rules;
    private final Options options;
    private final HttpClient http;
    private final Clock clock;
    private final JWTClaimsSetVerifier<SecurityContext> timeRules;
    private final EndpointOutage outage;

    public IntrospectionVerifier(URI endpoint, String clientId, String clientSecret, JwtRules rules) {
        this(endpoint, clientId, clientSecret, rules, Options.defaults());
    }

    public IntrospectionVerifier(URI endpoint, String clientId, String clientSecret, JwtRules rules, Options options) {
        this.endpoint = IssuerDiscovery.requireHttpUrl(endpoint, "introspection endpoint");
        if (clientId == null || clientId.isEmpty() || clientSecret == null || clientSecret.isEmpty()) {
            throw new IllegalArgumentException("token introspection needs a client id and secret registered with the authorization server");
        }
        this.clientId = clientId;
        this.authorization = basic(clientId, clientSecret);
        this.rules = rules;
        this.options = options;
        this.http = HttpClient.newBuilder().connectTimeout(options.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.clock = Clock.systemUTC();
        this.timeRules = JwtProcessing.timeClaims(rules, false);
        this.outage = new EndpointOutage("the token introspection endpoint " + this.endpoint, this.endpoint.toString(),
                "tokens not already cached are answered 503 with Retry-After until it answers");
    }

    /** RFC 6749 section 2.3.1: id and secret are form-urlencoded before they are joined and base64-encoded. */
    static String basic(String clientId, String clientSecret) {
        String pair = URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ":" + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public AccessToken verify(String token) throws TokenRejected {
        TokenSize.check(token);
        JsonNode response = introspect(token);
        // RFC 7662 section 2.2: "active" is a required boolean; anything but true means the token is unusable.
        if (!response.path("active").isBoolean() || !response.path("active").booleanValue()) {
            throw TokenRejected.invalid("the token is not active (expired, revoked or unknown to the authorization server)");
        }
        Map<String, Object> claims = JSON.convertValue(response, new TypeReference<Map<String, Object>>() { });
        return accept(claims, clock.instant());
    }

    /** The JwtRules checks, applied to the introspection response's members (RFC 7662 section 2.2). */
    private AccessToken accept(Map<String, Object> claims, Instant now) throws TokenRejected {
        checkTimes(claims);
        Instant expiresAt = AccessTokenClaims.numericDate(claims.get("exp"));
        Instant acceptedUntil;
        if (expiresAt == null) {
            if (options.maxTtlWithoutExp() == null) {
                throw TokenRejected.invalid("the introspection response has no exp; tokens without an expiry are refused"
                        + " unless a maximum lifetime for them is configured");
            }
            expiresAt = now.plus(options.maxTtlWithoutExp());
            acceptedUntil = expiresAt;
        } else {
            acceptedUntil = rules.acceptedUntil(expiresAt);
        }
        // iss is optional in RFC 7662 (the answer comes from the issuer itself); when present it must match.
        Object issuer = claims.get("iss");
        if (rules.issuer() != null && issuer != null && !rules.issuer().equals(issuer)) {
            throw TokenRejected.invalid("the token issuer (iss) is not " + rules.issuer());
        }
        var problem = rules.audienceProblem(AccessTokenClaims.audiences(claims.get("aud")),
                AccessTokenClaims.text(claims.get("client_id")), claims.get("token_use"));
        if (problem.isPresent()) {
            throw TokenRejected.invalid(problem.get());
        }
        return AccessTokenClaims.toAccessToken(claims, expiresAt, acceptedUntil);
    }

    /**
     * exp, nbf and iat by the same rules as a JWT's ({@link JwtProcessing#timeClaims}): an authorization server that
     * answers active=true for a token past its exp, or issued in the future, is not taken at its word.
     */
    private void checkTimes(Map<String, Object> claims) throws TokenRejected {
        JWTClaimsSet times;
        try {
            Map<String, Object> only = new java.util.HashMap<>();
            for (String name : List.of(JWTClaimNames.EXPIRATION_TIME, JWTClaimNames.NOT_BEFORE, JWTClaimNames.ISSUED_AT)) {
                if (claims.get(name) != null) {
                    only.put(name, claims.get(name));
                }
            }
            times = JWTClaimsSet.parse(only);
        } catch (java.text.ParseException e) {
            throw TokenRejected.invalid("the introspection response's exp, nbf or iat is not a NumericDate (RFC 7519 section 2)");
        }
        try {
            timeRules.verify(times, null);
        } catch (BadJWTException e) {
            throw TokenRejected.invalid(JwtProcessing.safe(e.getMessage()));
        }
    }

    private JsonNode introspect(String token) throws TokenRejected {
        String form = "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&token_type_hint=access_token";
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(options.requestTimeout())
                .header("Authorization", authorization)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8))
                .build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw unreachable("did not answer within " + options.requestTimeout().toMillis() + " ms (--introspection-timeout)", e);
        } catch (IOException e) {
            throw unreachable("could not be reached (" + dev.mcpauth.http.Failures.describe(e) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("was not asked: the request was interrupted", e);
        }
        return readJson(response);
    }

    private JsonNode readJson(HttpResponse<InputStream> response) throws TokenRejected {
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            if (status == 401 || status == 403) {
                throw unavailable("refused our client credentials (HTTP " + status + "); check the introspection client id and secret", null);
            }
            if (status >= 500) {
                throw unreachable("answered HTTP " + status, null);
            }
            if (status != 200) {
                throw unavailable("answered HTTP " + status, null);
            }
            outage.answered();
            byte[] bytes = body.readNBytes(MAX_RESPONSE_BYTES + 1);
            if (bytes.length > MAX_RESPONSE_BYTES) {
                throw unavailable("sent a response larger than " + MAX_RESPONSE_BYTES + " bytes", null);
            }
            JsonNode json = JSON.readTree(bytes);
            if (json == null || !json.isObject()) {
                throw unavailable("did not answer with a JSON object", null);
            }
            return json;
        } catch (IOException e) {
            throw unavailable("did not answer with JSON", e);
        }
    }

    /** The endpoint did not answer (or failed): logged once per outage, see {@link EndpointOutage}. */
    private TokenRejected unreachable(String what, Throwable cause) {
        outage.failed(what);
        return unavailable(what, cause);
    }

    private TokenRejected unavailable(String what, Throwable cause) {
        return new TokenRejected(TokenRejected.Reason.VERIFIER_UNAVAILABLE,
                "the token introspection endpoint " + endpoint + " " + what, cause);
    }

    @Override
    public String toString() {
        return "RFC 7662 introspection verifier (endpoint " + endpoint + ", client_id " + clientId + "; "
                + rules.describe() + (options.maxTtlWithoutExp() == null ? "" : "; tokens without exp live "
                + options.maxTtlWithoutExp().toSeconds() + "s") + ")";
    }
}
