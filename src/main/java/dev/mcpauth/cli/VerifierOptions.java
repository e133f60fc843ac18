package dev.mcpauth.cli;

import dev.mcpauth.config.ConfigException;
import dev.mcpauth.config.Durations;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.token.JwksOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.List;
import picocli.CommandLine.Option;

/** How tokens are validated: shared by {@code serve} and {@code token verify}. */
public final class VerifierOptions {

    @Option(names = "--secret", paramLabel = "SECRET", description = "Shared secret for HS256/384/512 JWTs (at least 32 bytes).")
    public String secret;

    @Option(names = "--secret-file", paramLabel = "FILE", description = "Read the shared secret from FILE (trailing newline ignored).")
    public Path secretFile;

    @Option(names = "--jwks-uri", paramLabel = "URL", description = "Validate asymmetric JWTs (RS/PS/ES/EdDSA) against this JWKS.")
    public String jwksUri;

    @Option(names = "--issuer", paramLabel = "URL", description = "Required token issuer (exact `iss`); without --jwks-uri its JWKS is discovered from RFC 8414 / OIDC metadata.")
    public String issuer;

    @Option(names = "--audience", paramLabel = "AUD", split = ",", description = "Accept these audiences besides this server's resource URL (RFC 8707).")
    public List<String> audiences;

    @Option(names = "--client-id-as-audience", description = "Accept `client_id` in place of `aud` (AWS Cognito access tokens); the client id must be one of --audience.")
    public boolean clientIdAsAudience;

    @Option(names = "--introspection-uri", paramLabel = "URL", description = "Validate tokens by RFC 7662 introspection at URL.")
    public String introspectionUri;

    @Option(names = "--introspection-client-id", paramLabel = "ID", description = "Client id for the introspection endpoint.")
    public String introspectionClientId;

    @Option(names = "--introspection-client-secret", paramLabel = "SECRET", description = "Client secret for the introspection endpoint.")
    public String introspectionClientSecret;

    @Option(names = "--introspection-cache-ttl", paramLabel = "DURATION", defaultValue = "60s",
            description = "Longest time an introspected token is trusted without asking again (bounds revocation delay). Default: ${DEFAULT-VALUE}.")
    public String introspectionCacheTtl;

    @Option(names = "--introspection-timeout", paramLabel = "DURATION", defaultValue = "5s",
            description = "Longest wait for the introspection endpoint's answer; past it the request gets 503 with Retry-After. Default: ${DEFAULT-VALUE}.")
    public String introspectionTimeout;

    @Option(names = "--jwks-outage-tolerance", paramLabel = "DURATION", defaultValue = "15m",
            description = "While the JWKS cannot be fetched, keep trusting the keys last fetched this long after that fetch (plus at most the 5m cache); tokens with other keys get 503. 0: no tolerance; otherwise at least 5m. Default: ${DEFAULT-VALUE}.")
    public String jwksOutageTolerance;

    @Option(names = "--jwks-connect-timeout", paramLabel = "DURATION", defaultValue = "1s",
            description = "Connect timeout of a JWKS fetch. Default: ${DEFAULT-VALUE}.")
    public String jwksConnectTimeout;

    @Option(names = "--jwks-read-timeout", paramLabel = "DURATION", defaultValue = "2s",
            description = "Read timeout of a JWKS fetch; a request waits on a hanging JWKS at most twice connect + read. Default: ${DEFAULT-VALUE}.")
    public String jwksReadTimeout;

    @Option(names = "--clock-skew", paramLabel = "DURATION", defaultValue = "60s", description = "Tolerated clock difference for exp, nbf and iat (a token issued further in the future is refused). Default: ${DEFAULT-VALUE}.")
    public String clockSkew;

    /** Whether any verifier option was given (else `serve` runs the embedded authorization server). */
    public boolean anyGiven() {
        return secret != null || secretFile != null || jwksUri != null || issuer != null || introspectionUri != null;
    }

    /** The configured way of validating tokens; with none given, the embedded authorization server. */
    public GatewayConfig.Auth auth(boolean embeddedAs, boolean autoApprove, Path stateDir) {
        byte[] key = readSecret();
        boolean introspection = introspectionUri != null;
        boolean jwks = jwksUri != null || (issuer != null && key == null && !introspection);
        if ((key != null ? 1 : 0) + (jwks ? 1 : 0) + (introspection ? 1 : 0) > 1) {
            throw new ConfigException("choose one way to validate tokens: --secret/--secret-file, --jwks-uri/--issuer, or --introspection-uri");
        }
        if ((introspection || jwks) && embeddedAs) {
            throw new ConfigException("--embedded-as validates its own tokens; it cannot be combined with --jwks-uri, --issuer or --introspection-uri");
        }
        if (introspection) {
            return new GatewayConfig.Introspection(GatewayConfig.uri("--introspection-uri", introspectionUri),
                    introspectionClientId, introspectionClientSecret, Durations.parse("--introspection-cache-ttl", introspectionCacheTtl),
                    positive("--introspection-timeout", introspectionTimeout));
        }
        if (jwks) {
            return new GatewayConfig.Jwks(jwksUri == null ? null : GatewayConfig.uri("--jwks-uri", jwksUri), issuer, jwksOptions());
        }
        if (key != null && !embeddedAs) {
            return new GatewayConfig.SharedSecret(key);
        }
        return new GatewayConfig.EmbeddedAuthServer(autoApprove, stateDir, key, Map.of());
    }

    /** The claim checks every JWT verifier applies. */
    public GatewayConfig.JwtChecks checks() {
        return new GatewayConfig.JwtChecks(issuer, new LinkedHashSet<>(audiences == null ? List.of() : audiences), clientIdAsAudience,
                Durations.parse("--clock-skew", clockSkew));
    }

    /** The JWKS fetch and outage settings; a combination nimbus cannot honour is an error naming the options. */
    JwksOptions jwksOptions() {
        try {
            return JwksOptions.defaults()
                    .withTimeouts(positive("--jwks-connect-timeout", jwksConnectTimeout), positive("--jwks-read-timeout", jwksReadTimeout))
                    .withOutageTolerance(Durations.parse("--jwks-outage-tolerance", jwksOutageTolerance));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--jwks-outage-tolerance / --jwks-connect-timeout / --jwks-read-timeout: " + e.getMessage());
        }
    }

    private static java.time.Duration positive(String option, String value) {
        java.time.Duration duration = Durations.parse(option, value);
        if (duration.isZero() || duration.isNegative()) {
            throw new ConfigException(option + " must be a positive duration, not " + value);
        }
        return duration;
    }

    private byte[] readSecret() {
        if (secret != null && secretFile != null) {
            throw new ConfigException("give --secret or --secret-file, not both");
        }
        if (secretFile != null) {
            return OptionFile.read("--secret-file", secretFile).strip().getBytes(StandardCharsets.UTF_8);
        }
        return secret == null ? null : secret.getBytes(StandardCharsets.UTF_8);
    }
}
