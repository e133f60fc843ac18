package dev.mcpauth.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings from the environment, .env and mcp-auth.yaml, in that order, and the structured sections of the file. */
class ConfigFileTest {

    @TempDir
    Path dir;

    private ConfigSources load(String yaml, String dotEnv, Map<String, String> env) throws Exception {
        if (yaml != null) {
            Files.writeString(dir.resolve("mcp-auth.yaml"), yaml);
        }
        if (dotEnv != null) {
            Files.writeString(dir.resolve(".env"), dotEnv);
        }
        return ConfigSources.load(dir, env, null);
    }

    @Test
    void environmentWinsOverDotEnvWhichWinsOverTheConfigFile() throws Exception {
        ConfigSources sources = load("port: 9001\nhost: 0.0.0.0\nmcp-path: /tools\n", "MCP_AUTH_PORT=9002\nexport MCP_AUTH_HOST='127.0.0.2'\n",
                Map.of("MCP_AUTH_PORT", "9003"));

        assertThat(sources.lookup("port")).hasValue("9003");
        assertThat(sources.lookup("host")).hasValue("127.0.0.2");
        assertThat(sources.lookup("mcp-path")).hasValue("/tools");
        assertThat(sources.lookup("issuer")).isEmpty();
    }

    @Test
    void policyAndUpstreamSectionsAreReadWithTheirCredentials() throws Exception {
        ConfigSources sources = load("""
                policy:
                  default-scopes: [mcp:tools]
                  tools:
                    "fs__*": read:files
                    add_numbers: [math:calculate, math:extra]
                upstreams:
                  - name: fs
                    command: npx -y server-filesystem /srv
                    tools: {"write_*": "files:write"}
                    call-timeout: 90s
                    max-concurrent-calls: 4
                  - name: remote
                    url: https://mcp.example.com/mcp
                    bearer-token: gateway-own-token
                  - name: billing
                    url: https://billing.example.com/mcp
                    client-credentials: {token-endpoint: "https://as.example.com/token", client-id: gw, client-secret: s3cret, scope: billing:read}
                """, null, Map.of());

        assertThat(FileSections.defaultScopes(sources)).containsExactly("mcp:tools");
        assertThat(FileSections.toolScopes(sources)).containsEntry("fs__*", Set.of("read:files"))
                .containsEntry("add_numbers", Set.of("math:calculate", "math:extra"));
        List<GatewayConfig.UpstreamConfig> upstreams = FileSections.upstreams(sources);
        assertThat(upstreams).hasSize(3);
        assertThat(upstreams.get(0).command()).containsExactly("npx", "-y", "server-filesystem", "/srv");
        assertThat(upstreams.get(0).toolScopes()).containsEntry("write_*", Set.of("files:write"));
        assertThat(upstreams.get(0).callTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(upstreams.get(0).maxConcurrentCalls()).isEqualTo(4);
        assertThat(upstreams.get(1).auth().bearerToken()).isEqualTo("gateway-own-token");
        assertThat(upstreams.get(1).auth().toString()).doesNotContain("gateway-own-token");
        GatewayConfig.UpstreamAuth cc = upstreams.get(2).auth();
        assertThat(cc.tokenEndpoint()).isEqualTo(URI.create("https://as.example.com/token"));
        assertThat(cc.clientId()).isEqualTo("gw");
        assertThat(cc.scope()).isEqualTo("billing:read");
        assertThat(cc.toString()).doesNotContain("s3cret");
    }

    @Test
    void badUpstreamEntriesAreRefusedNamingTheSetting() throws Exception {
        assertThatThrownBy(() -> FileSections.upstreams(load("upstreams:\n  - name: x\n", null, Map.of())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("upstreams[0] (x) needs exactly one of command or url");
        assertThatThrownBy(() -> FileSections.upstreams(load("upstreams:\n  - name: 'a b'\n    command: [x]\n", null, Map.of())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("upstreams[0].name");
        assertThatThrownBy(() -> FileSections.upstreams(load("""
                upstreams:
                  - name: r
                    url: https://x.example/mcp
                    bearer-token: t
                    client-credentials: {token-endpoint: "https://as/token", client-id: a, client-secret: b}
                """, null, Map.of())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("choose one");
        assertThatThrownBy(() -> FileSections.upstreams(load("""
                upstreams:
                  - name: r
                    url: https://x.example/mcp
                    client-credentials: {token-endpoint: "https://as/token", client-id: a}
                """, null, Map.of())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("client-credentials needs client-secret");
    }

    @Test
    void aConfigFileThatIsNotYamlIsReportedWithItsName() throws Exception {
        Files.writeString(dir.resolve("broken.yaml"), "policy: [unclosed\n");
        assertThatThrownBy(() -> ConfigSources.load(dir, Map.of(), dir.resolve("broken.yaml")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("broken.yaml:1:18: not valid YAML");
        assertThatThrownBy(() -> ConfigSources.load(dir, Map.of(), dir.resolve("missing.yaml")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("missing.yaml does not exist");
    }
}
