package dev.mcpauth.gateway;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.mcpauth.config.ConfigSources;
import dev.mcpauth.config.FileSections;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.support.TestGateway;
import dev.mcpauth.upstream.TinyUpstreamServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Gateway configurations whose policy and upstreams come from an {@code mcp-auth.yaml} text, as users write them. */
final class UpstreamGateways {

    private UpstreamGateways() {
    }

    /** The test gateway (HS256 secret, files under {@code root}) with the yaml's policy and upstreams. */
    static GatewayConfig config(Path root, String yaml, boolean builtins, boolean stateless) throws Exception {
        ConfigSources sources = new ConfigSources(Map.of(), Map.of(), new ObjectMapper(new YAMLFactory()).readTree(yaml), null);
        GatewayConfig base = TestGateway.config(new GatewayConfig.SharedSecret(TestGateway.SECRET.getBytes()), root, stateless);
        return new GatewayConfig(base.listener(), base.auth(), base.jwt(),
                new GatewayConfig.Policy(FileSections.toolScopes(sources), FileSections.defaultScopes(sources)),
                new GatewayConfig.Tools(builtins, root, List.of("echo"), base.tools().commandTimeout()),
                base.edge(), null, List.of(), FileSections.upstreams(sources));
    }

    /**
     * The test gateway with {@code @modelcontextprotocol/server-everything} (npm, stdio) as its only upstream and
     * {@code everything:use} as the default scope; the calling test is skipped when the package is not installed.
     */
    static GatewayConfig everything(Path root) throws Exception {
        Path entry = Path.of("src/test/upstream-npm/node_modules/@modelcontextprotocol/server-everything/dist/index.js").toAbsolutePath();
        assumeTrue(Files.isRegularFile(entry), "server-everything is not installed (npm ci in src/test/upstream-npm): skipped");
        return config(root, """
                policy:
                  default-scopes: [everything:use]
                upstreams:
                  - name: everything
                    command: [node, "%s", stdio]
                """.formatted(entry), false, false);
    }

    /** {@code config} with another way of authenticating callers. */
    static GatewayConfig withAuth(GatewayConfig config, GatewayConfig.Auth auth) {
        return new GatewayConfig(config.listener(), auth, config.jwt(), config.policy(), config.tools(), config.edge(),
                config.scopeUpgradeEndpoint(), config.authorizationServers(), config.upstreams());
    }

    /** The test gateway with {@link TinyUpstreamServer} (stdio) as its upstream beside the built-in tools, {@code tiny:use} for all of it. */
    static GatewayConfig tiny(Path root, boolean stateless) throws Exception {
        return config(root, """
                policy:
                  tools:
                    "tiny__*": tiny:use
                upstreams:
                  - name: tiny
                    command: %s
                """.formatted(tinyCommandYaml()), true, stateless);
    }

    /** The yaml flow list that starts {@link TinyUpstreamServer} as a stdio child of this JVM's java. */
    static String tinyCommandYaml() {
        String java = ProcessHandle.current().info().command().orElse("java");
        return "[\"" + java + "\", \"-XX:TieredStopAtLevel=1\", \"-XX:+UseSerialGC\", \"-cp\", \"" + System.getProperty("java.class.path")
                + "\", \"" + TinyUpstreamServer.class.getName() + "\"]";
    }
}
