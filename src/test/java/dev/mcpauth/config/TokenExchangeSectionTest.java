package dev.mcpauth.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code upstreams[].token-exchange}: read with its secret by reference; refused where it cannot be honoured. */
class TokenExchangeSectionTest {

    private static List<GatewayConfig.UpstreamConfig> read(String yaml) throws Exception {
        return FileSections.upstreams(new ConfigSources(Map.of("CRM_SECRET", "s3cr3t-value"), Map.of(),
                new ObjectMapper(new YAMLFactory()).readTree(yaml), null));
    }

    @Test
    void tokenExchangeIsReadWithItsSecretFromTheEnvironmentAndNeverShown() throws Exception {
        GatewayConfig.UpstreamConfig crm = read("""
                upstreams:
                  - name: crm
                    url: https://crm.example.com/mcp
                    token-exchange: {token-endpoint: https://as.example.com/token, client-id: gw, client-secret: "env:CRM_SECRET", audience: crm, scope: "crm:read"}
                """).getFirst();

        assertThat(crm.tokenExchange().clientSecret()).isEqualTo("s3cr3t-value");
        assertThat(crm.tokenExchange().audience()).isEqualTo("crm");
        assertThat(crm.tokenExchange().scope()).isEqualTo("crm:read");
        assertThat(crm.toString()).doesNotContain("s3cr3t-value");
    }

    @Test
    void tokenExchangeWithALiteralSecretOrOnAStdioUpstreamOrWithoutItsEndpointIsRefused() {
        assertThatThrownBy(() -> read("""
                upstreams:
                  - {name: crm, url: "https://crm.example.com/mcp", token-exchange: {token-endpoint: "https://as.example.com/token", client-id: gw, client-secret: plain-text-secret}}
                """)).hasMessageContaining("upstreams[0].token-exchange.client-secret").hasMessageNotContaining("plain-text-secret");
        assertThatThrownBy(() -> read("""
                upstreams:
                  - {name: fs, command: "server-fs /srv", token-exchange: {token-endpoint: "https://as.example.com/token", client-id: gw, client-secret: "env:CRM_SECRET"}}
                """)).hasMessageContaining("upstreams[0].token-exchange applies to HTTP upstreams");
        assertThatThrownBy(() -> read("""
                upstreams:
                  - {name: crm, url: "https://crm.example.com/mcp", token-exchange: {client-id: gw, client-secret: "env:CRM_SECRET"}}
                """)).hasMessageContaining("token-exchange needs token-endpoint");
    }
}
