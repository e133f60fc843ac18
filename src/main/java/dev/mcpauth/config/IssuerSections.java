package dev.mcpauth.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code issuers} section of {@code mcp-auth.yaml}: several trusted authorization servers at once.
 * <pre>
 * issuers:
 *   - issuer: https://sso.example.com/realms/acme          # exact iss; also listed in the protected resource metadata
 *     jwks-uri: https://sso.example.com/realms/acme/protocol/openid-connect/certs
 *     audiences: [mcp-gateway]                             # besides this server's resource URL
 *     scope-claim: realm_access.roles                      # scope (default spellings), scp, or a claim path
 *     clock-skew: 30s
 *   - issuer: https://login.partner.example/v2.0
 *     introspection:                                       # opaque tokens (and JWTs naming this issuer)
 *       endpoint: https://login.partner.example/introspect
 *       client-id: mcp-gateway
 *       client-secret: env:PARTNER_INTROSPECTION_SECRET    # or file:/run/secrets/partner
 *       cache-ttl: 60s
 *       timeout: 5s
 * </pre>
 */
public final class IssuerSections {

    public static final String SECTION = "issuers";

    private static final ConfigSchema.Shape ONE = new ConfigSchema.Value("one value");

    /** The section's shape, for {@link FileSections#SECTIONS}. */
    static final ConfigSchema.Shape SHAPE = new ConfigSchema.ListOf(new ConfigSchema.Mapping(Map.of(
            "issuer", ONE,
            "jwks-uri", ONE,
            "introspection", new ConfigSchema.Mapping(Map.of(
                    "endpoint", ONE, "client-id", ONE, "client-secret", ONE, "cache-ttl", ONE, "timeout", ONE)),
            "audiences", new ConfigSchema.Values("an audience or a list of audiences"),
            "client-id-as-audience", ONE,
            "clock-skew", ONE,
            "scope-claim", ONE)));

    private IssuerSections() {
    }

    /** The trusted issuers, in file order; empty when the section is absent. */
    public static List<TrustedIssuer> issuers(ConfigSources sources) {
        JsonNode section = sources.section(SECTION).orElse(null);
        if (section == null || section.isNull()) {
            return List.of();
        }
        if (!section.isArray() || section.isEmpty()) {
            throw new ConfigException("issuers in the config file must be a non-empty list of {issuer, jwks-uri | introspection}");
        }
        List<TrustedIssuer> issuers = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode node : section) {
            String where = SECTION + "[" + issuers.size() + "]";
            TrustedIssuer issuer = issuer(where, node, sources);
            if (!seen.add(issuer.issuer())) {
                throw new ConfigException(where + ": the issuer " + issuer.issuer() + " is listed twice; each issuer once");
            }
            issuers.add(issuer);
        }
        return List.copyOf(issuers);
    }

    private static TrustedIssuer issuer(String where, JsonNode node, ConfigSources sources) {
        String iss = node.path("issuer").asText("");
        if (iss.isBlank()) {
            throw new ConfigException(where + ".issuer is required: the exact iss of its tokens");
        }
        URI jwks = node.hasNonNull("jwks-uri") ? GatewayConfig.uri(where + ".jwks-uri", node.get("jwks-uri").asText()) : null;
        JsonNode in = node.get("introspection");
        GatewayConfig.Introspection introspection = in == null || in.isNull() ? null : introspection(where + ".introspection", in, sources);
        if ((jwks == null) == (introspection == null)) {
            // Discovery is not offered here: it would run at start, and one issuer being down must not stop the gateway.
            throw new ConfigException(where + " (" + iss + ") needs exactly one of jwks-uri or introspection");
        }
        Duration skew = node.hasNonNull("clock-skew") ? Durations.parse(where + ".clock-skew", node.get("clock-skew").asText()) : Duration.ofSeconds(60);
        if (skew.isNegative() || skew.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new ConfigException(where + ".clock-skew must be between 0s and 10m");
        }
        Set<String> audiences = new LinkedHashSet<>(FileSections.scopes(where + ".audiences", node.get("audiences")));
        JsonNode asAudience = node.path("client-id-as-audience");
        // true or false only: JsonNode.asBoolean reads "yes please" (a string) as false without a word.
        if (!asAudience.isMissingNode() && !asAudience.isNull() && !asAudience.isBoolean()
                && !asAudience.asText().equals("true") && !asAudience.asText().equals("false")) {
            throw new ConfigException(where + ".client-id-as-audience must be true or false, got '" + asAudience.asText() + "'");
        }
        boolean clientIdAsAudience = asAudience.asBoolean(false);
        if (clientIdAsAudience && audiences.isEmpty()) {
            throw new ConfigException(where + ".client-id-as-audience needs the client ids in " + where + ".audiences");
        }
        String scopeClaim = node.hasNonNull("scope-claim") ? node.get("scope-claim").asText() : null;
        if (scopeClaim != null) {
            try {
                new dev.mcpauth.token.ScopeClaim(scopeClaim);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(where + ".scope-claim: " + e.getMessage());
            }
        }
        return new TrustedIssuer(iss, jwks, introspection, audiences, clientIdAsAudience, skew, scopeClaim);
    }

    private static GatewayConfig.Introspection introspection(String where, JsonNode node, ConfigSources sources) {
        for (String key : List.of("endpoint", "client-id", "client-secret")) {
            if (!node.hasNonNull(key)) {
                throw new ConfigException(where + " needs " + key);
            }
        }
        Duration ttl = node.hasNonNull("cache-ttl") ? Durations.parse(where + ".cache-ttl", node.get("cache-ttl").asText()) : Duration.ofSeconds(60);
        Duration timeout = node.hasNonNull("timeout") ? Durations.parse(where + ".timeout", node.get("timeout").asText()) : Duration.ofSeconds(5);
        if (ttl.isZero() || ttl.isNegative() || timeout.isZero() || timeout.isNegative()) {
            throw new ConfigException(where + ".cache-ttl and .timeout must be positive durations");
        }
        return new GatewayConfig.Introspection(GatewayConfig.uri(where + ".endpoint", node.get("endpoint").asText()),
                node.get("client-id").asText(), SecretReference.resolve(where + ".client-secret", node.get("client-secret").asText(), sources),
                ttl, timeout);
    }
}
