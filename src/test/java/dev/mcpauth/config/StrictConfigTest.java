package dev.mcpauth.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key the gateway does not know, at any depth of mcp-auth.yaml, or a line of .env that is not a setting, is an error
 * naming the file, the line (and column), the key and the nearest valid key; never a rule silently dropped.
 */
class StrictConfigTest {

    /** A few real settings; the CLI builds the full schema from every option (SettingNamesTest). */
    static final ConfigSchema SCHEMA = ConfigSchema.of(
            Map.of("port", false, "secret", false, "issuer", false, "audience", true, "allowed-host", true),
            Set.of("resource"), Set.of("MCP_AUTH_TOKEN"));

    @TempDir
    Path dir;

    private ConfigSources load(String yaml, String dotEnv) throws Exception {
        if (yaml != null) {
            Files.writeString(dir.resolve("mcp-auth.yaml"), yaml);
        }
        if (dotEnv != null) {
            Files.writeString(dir.resolve(".env"), dotEnv);
        }
        return ConfigSources.load(dir, Map.of(), null, SCHEMA);
    }

    private String error(String yaml, String dotEnv) {
        try {
            load(yaml, dotEnv);
        } catch (ConfigException e) {
            return e.getMessage();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("the configuration was accepted");
    }

    @Test
    void misspeltPolicyToolsKeyIsAnErrorWithFileLineColumnAndTheNearestKey() {
        String message = error("port: 8001\npolicy:\n  toolz:\n    add_numbers: admin\n", null);

        assertThat(message).isEqualTo(dir.resolve("mcp-auth.yaml") + ":3:3: unknown key 'toolz' in policy; did you mean 'tools'?"
                + " (policy takes: default-scopes, implies, rate-limits, tools)");
    }

    @Test
    void unknownTopLevelKeyIsAnErrorNamingTheNearestSetting() {
        assertThat(error("port: 8001\nsecrte: abc\n", null)).startsWith(dir.resolve("mcp-auth.yaml") + ":2:1: unknown key 'secrte' at the top level; did you mean 'secret'?");
    }

    @Test
    void unknownKeysInsideUpstreamsAndTheirClientCredentialsAreErrors() {
        assertThat(error("upstreams:\n  - name: fs\n    comand: [npx, server]\n", null))
                .contains(":3:5: unknown key 'comand' in upstreams[0]; did you mean 'command'?");
        assertThat(error("upstreams:\n  - name: b\n    url: https://b.example/mcp\n    client-credentials: {token-endpoint: https://as/t, client-id: a,"
                + " client-secret: s, scopes: x}\n", null))
                .contains(":4:") .contains("unknown key 'scopes' in upstreams[0].client-credentials; did you mean 'scope'?");
    }

    @Test
    void wrongValueTypesAreErrorsNamingTheKey() throws Exception {
        assertThat(error("issuer: [https://a.example, https://b.example]\n", null)).contains(":1:1: 'issuer' must be one value").contains("not a list");
        // A rule may be a mapping (the long form with scopes, when and message), so a misspelt key in it is named.
        assertThat(error("policy:\n  tools:\n    add_numbers: {scope: admin}\n", null))
                .contains(":3:19: unknown key 'scope' in policy.tools.add_numbers; did you mean 'scopes'?");
        assertThat(error("policy:\n  tools:\n    add_numbers: {scopes: {admin: yes}}\n", null))
                .contains("'policy.tools.add_numbers.scopes' must be a scope string or a list of scopes, not a mapping");
        assertThat(error("policy: [tools]\n", null)).contains("'policy' must be a mapping of default-scopes, implies, rate-limits, tools");
        assertThat(load("audience: [a, b]\nallowed-host: x.example\n", null).lookup("audience")).hasValue("a,b");
    }

    @Test
    void yamlSyntaxErrorsNameLineAndColumn() {
        assertThat(error("port: 8001\npolicy:\n  tools: {add: [a, b}\n", null)).matches(".*mcp-auth.yaml:3:\\d+: not valid YAML: .*");
        assertThat(error("port: 1\nport: 2\n", null)).contains("mcp-auth.yaml:2:").contains("Duplicate field 'port'");
    }

    @Test
    void dotEnvLineThatIsNotASettingIsAnErrorNamingTheLineButNotItsContent() {
        String message = error(null, "# comment\nMCP_AUTH_PORT=8001\nMCP_AUTH_SECRET: hunter2-secret\n");

        assertThat(message).isEqualTo(dir.resolve(".env") + ":3: not a setting: expected NAME=value (e.g. MCP_AUTH_PORT=8001)");
        assertThat(error(null, "MCP_AUTH_SECRET=\"unterminated\n")).contains(".env:1:").contains("quote");
    }

    @Test
    void unknownMcpAuthNameInDotEnvIsAnErrorWithTheNearestVariable() {
        assertThat(error(null, "OTHER_APP_URL=https://x\nMCP_AUTH_PROT=8001\n"))
                .startsWith(dir.resolve(".env") + ":2: unknown setting MCP_AUTH_PROT; did you mean MCP_AUTH_PORT?");
    }

    @Test
    void unknownMcpAuthEnvironmentVariablesAreWarningsNamingTheNearestOne() {
        assertThat(ConfigSources.unknownVariables(Map.of("MCP_AUTH_SECRT", "x", "MCP_AUTH_TOKEN", "t", "MCP_AUTH_RESOURCE", "r", "PATH", "/bin"), SCHEMA))
                .containsExactly("environment variable MCP_AUTH_SECRT is not a setting of mcp-auth and is ignored; did you mean MCP_AUTH_SECRET?");
    }

    @Test
    void aValidFileWithEverySectionIsAccepted() throws Exception {
        ConfigSources sources = load("""
                port: 8001
                audience: [a, b]
                policy:
                  default-scopes: [mcp:tools]
                  tools: {"fs__*": read:files, add_numbers: [math:calculate]}
                upstreams:
                  - name: billing
                    url: https://billing.example.com/mcp
                    client-credentials: {token-endpoint: "https://as.example.com/token", client-id: gw, client-secret: s, scope: b}
                    tools: {"write_*": files:write}
                    call-timeout: 90s
                    max-concurrent-calls: 4
                """, "MCP_AUTH_TOKEN=abc\nexport OTHER=1\n");

        assertThat(sources.lookup("audience")).hasValue("a,b");
        assertThat(FileSections.toolScopes(sources)).containsKeys("fs__*", "add_numbers");
    }
}
