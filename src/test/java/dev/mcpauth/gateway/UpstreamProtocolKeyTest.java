package dev.mcpauth.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.mcpauth.config.ConfigException;
import dev.mcpauth.config.ConfigSources;
import dev.mcpauth.config.FileSections;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.support.TestGateway;
import dev.mcpauth.upstream.UpstreamSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code upstreams[].protocol} chooses the era spoken to an HTTP upstream, and the numbers of an upstream are checked:
 * a value that cannot be honoured is refused with its key, never replaced by the default.
 */
class UpstreamProtocolKeyTest {

    @TempDir
    Path root;

    private static List<GatewayConfig.UpstreamConfig> read(String yaml) throws Exception {
        return FileSections.upstreams(new ConfigSources(Map.of(), Map.of(), new ObjectMapper(new YAMLFactory()).readTree(yaml), null));
    }

    private List<UpstreamSpec> specs(List<GatewayConfig.UpstreamConfig> upstreams) {
        GatewayConfig base = TestGateway.config(new GatewayConfig.SharedSecret(TestGateway.SECRET.getBytes()), root, false);
        return ToolSources.specs(new GatewayConfig(base.listener(), base.auth(), base.jwt(), base.policy(), base.tools(), base.edge(),
                null, List.of(), upstreams));
    }

    @Test
    void eachWordChoosesItsEraAndNoKeyMeansNegotiated() throws Exception {
        List<UpstreamSpec> specs = specs(read("""
                upstreams:
                  - {name: a, url: "https://a.example/mcp", protocol: "2026-07-28"}
                  - {name: b, url: "https://b.example/mcp", protocol: legacy}
                  - {name: c, url: "https://c.example/mcp", protocol: auto}
                  - {name: d, url: "https://d.example/mcp"}
                """));

        assertThat(specs).extracting(UpstreamSpec::era)
                .containsExactly(UpstreamSpec.Era.MODERN, UpstreamSpec.Era.LEGACY, UpstreamSpec.Era.AUTO, UpstreamSpec.Era.AUTO);
    }

    @Test
    void aMisspeltEraIsRefusedNamingTheUpstreamAndTheWords() throws Exception {
        List<GatewayConfig.UpstreamConfig> upstreams = read("""
                upstreams:
                  - {name: crm, url: "https://crm.example/mcp", protocol: "2026"}
                """);

        assertThatThrownBy(() -> specs(upstreams)).isInstanceOf(ConfigException.class)
                .hasMessage("upstream crm: protocol must be auto, 2026-07-28 or legacy, not '2026'");
    }

    @Test
    void aProtocolOnAStdioUpstreamIsRefusedAsItsChildIsAlwaysNegotiated() {
        assertThatThrownBy(() -> read("""
                upstreams:
                  - {name: fs, command: "server-fs /srv", protocol: legacy}
                """)).isInstanceOf(ConfigException.class).hasMessage("upstreams[0].protocol applies to HTTP upstreams (url) only");
    }

    @Test
    void maxConcurrentCallsThatIsNotAWholeNumberInRangeIsRefusedNotReadAsSixteen() throws Exception {
        for (String value : List.of("lots", "0", "-3", "2.5", "100000")) {
            assertThatThrownBy(() -> read("upstreams:\n  - {name: fs, command: server-fs, max-concurrent-calls: \"" + value + "\"}\n"))
                    .as(value).isInstanceOf(ConfigException.class)
                    .hasMessage("upstreams[0].max-concurrent-calls must be a whole number from 1 to 1024, got '" + value + "'");
        }
        assertThat(read("upstreams:\n  - {name: fs, command: server-fs, max-concurrent-calls: 4}\n").getFirst().maxConcurrentCalls()).isEqualTo(4);
        assertThat(read("upstreams:\n  - {name: fs, command: server-fs}\n").getFirst().maxConcurrentCalls()).isEqualTo(16);
    }
}
