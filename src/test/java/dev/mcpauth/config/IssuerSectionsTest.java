package dev.mcpauth.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.mcpauth.cli.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code issuers:} section of mcp-auth.yaml: what it accepts, and every way it refuses, naming the key. */
class IssuerSectionsTest {

    @TempDir
    Path dir;

    private static List<TrustedIssuer> read(String yaml, Map<String, String> env, Path configPath) throws Exception {
        return IssuerSections.issuers(new ConfigSources(env, Map.of(), new ObjectMapper(new YAMLFactory()).readTree(yaml), configPath));
    }

    @Test
    void issuersAreReadWithTheirKeysAudiencesSkewScopeClaimAndSecretsByReference() throws Exception {
        Files.writeString(dir.resolve("partner.secret"), "from-the-file\n");
        List<TrustedIssuer> issuers = read("""
                issuers:
                  - issuer: https://sso.example.com/realms/acme
                    jwks-uri: https://sso.example.com/realms/acme/protocol/openid-connect/certs
                    audiences: [mcp-gateway, account]
                    scope-claim: realm_access.roles
                    clock-skew: 30s
                  - issuer: https://partner.example
                    introspection: {endpoint: https://partner.example/introspect, client-id: gw, client-secret: "file:partner.secret", cache-ttl: 2m}
                  - issuer: https://other.example
                    introspection: {endpoint: https://other.example/introspect, client-id: gw, client-secret: "env:OTHER_SECRET"}
                """, Map.of("OTHER_SECRET", "from-the-env"), dir.resolve("mcp-auth.yaml"));

        assertThat(issuers).extracting(TrustedIssuer::issuer)
                .containsExactly("https://sso.example.com/realms/acme", "https://partner.example", "https://other.example");
        assertThat(issuers.get(0).audiences()).containsExactlyInAnyOrder("mcp-gateway", "account");
        assertThat(issuers.get(0).scopeClaim()).isEqualTo("realm_access.roles");
        assertThat(issuers.get(0).clockSkew()).isEqualTo(Duration.ofSeconds(30));
        assertThat(issuers.get(1).introspection().clientSecret()).isEqualTo("from-the-file");
        assertThat(issuers.get(1).introspection().cacheTtl()).isEqualTo(Duration.ofMinutes(2));
        assertThat(issuers.get(2).introspection().clientSecret()).isEqualTo("from-the-env");
        assertThat(issuers.toString()).doesNotContain("from-the-file").doesNotContain("from-the-env");
    }

    @Test
    void aSecretWrittenInTheFileIsRefusedWithoutBeingEchoed() {
        assertThatThrownBy(() -> read("""
                issuers:
                  - issuer: https://partner.example
                    introspection: {endpoint: https://partner.example/introspect, client-id: gw, client-secret: hunter2-literal}
                """, Map.of(), null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("issuers[0].introspection.client-secret").hasMessageContaining("env:NAME or file:PATH")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> read("""
                issuers:
                  - issuer: https://partner.example
                    introspection: {endpoint: https://partner.example/introspect, client-id: gw, client-secret: "env:NOT_SET_ANYWHERE"}
                """, Map.of(), null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("NOT_SET_ANYWHERE").hasMessageContaining("not set");
    }

    @Test
    void entriesThatCannotWorkAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> read("issuers:\n  - issuer: https://a.example\n", Map.of(), null))
                .hasMessageContaining("issuers[0]").hasMessageContaining("exactly one of jwks-uri or introspection");
        assertThatThrownBy(() -> read("""
                issuers:
                  - {issuer: https://a.example, jwks-uri: https://a.example/jwks}
                  - {issuer: https://a.example, jwks-uri: https://a.example/jwks2}
                """, Map.of(), null)).hasMessageContaining("issuers[1]").hasMessageContaining("listed twice");
        assertThatThrownBy(() -> read("issuers:\n  - {jwks-uri: https://a.example/jwks}\n", Map.of(), null))
                .hasMessageContaining("issuers[0].issuer is required");
        assertThatThrownBy(() -> read("issuers:\n  - {issuer: https://a.example, jwks-uri: https://a.example/jwks, scope-claim: \"roles[0]\"}\n",
                Map.of(), null)).hasMessageContaining("issuers[0].scope-claim");
        assertThatThrownBy(() -> read("issuers:\n  - {issuer: https://a.example, jwks-uri: ftp://a.example/jwks}\n", Map.of(), null))
                .hasMessageContaining("issuers[0].jwks-uri");
        assertThatThrownBy(() -> read("issuers:\n  - {issuer: https://a.example, jwks-uri: https://a.example/jwks, audiences: [app],"
                + " client-id-as-audience: \"ja\"}\n", Map.of(), null))
                .hasMessageContaining("issuers[0].client-id-as-audience must be true or false, got 'ja'");
    }

    @Test
    void serveRefusesTheIssuersSectionCombinedWithAnotherWayOfValidatingTokens() throws Exception {
        Path config = Files.writeString(dir.resolve("mcp-auth.yaml"),
                "issuers:\n  - {issuer: https://a.example, jwks-uri: https://a.example/jwks}\n");

        assertThatThrownBy(() -> Cli.serveConfig("--config", config.toString(), "--jwks-uri", "https://b.example/jwks"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("issuers section").hasMessageContaining("--jwks-uri");
        assertThat(Cli.serveConfig("--config", config.toString()).auth()).isInstanceOf(GatewayConfig.Issuers.class);
    }
}
