package dev.mcpauth.modern;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Per-message era classification: the same rules for an HTTP request (with its header) and a stdio line (without). */
class ProtocolEraTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void perRequestMetaMakesAMessageModernOnAnyTransport() throws Exception {
        JsonNode call = json(ModernRequests.toolCall(1, "x", "{}"));

        assertThat(ProtocolEra.of(null, call)).isEqualTo(ProtocolEra.MODERN);
        assertThat(ProtocolEra.of("2025-11-25", call)).isEqualTo(ProtocolEra.MODERN);
    }

    @Test
    void aModernVersionHeaderMakesARequestModernEvenWithoutMeta() throws Exception {
        JsonNode list = json("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");

        assertThat(ProtocolEra.of("2026-07-28", list)).isEqualTo(ProtocolEra.MODERN);
        assertThat(ProtocolEra.of("2027-01-01", list)).isEqualTo(ProtocolEra.MODERN);
        assertThat(ProtocolEra.of("2026-07-28", json("[" + list + "]"))).as("a batch, refused later as modern").isEqualTo(ProtocolEra.MODERN);
        assertThat(ProtocolEra.of("2025-06-18", json("[" + list + "]"))).isEqualTo(ProtocolEra.LEGACY);
    }

    @Test
    void initializeAndSessionTrafficStayLegacy() throws Exception {
        JsonNode initialize = json("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                + "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"}}}");
        JsonNode list = json("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");

        assertThat(ProtocolEra.of("2026-07-28", initialize)).isEqualTo(ProtocolEra.LEGACY);
        assertThat(ProtocolEra.of("2025-11-25", list)).isEqualTo(ProtocolEra.LEGACY);
        assertThat(ProtocolEra.of(null, list)).isEqualTo(ProtocolEra.LEGACY);
        assertThat(ProtocolEra.of("garbage", list)).isEqualTo(ProtocolEra.LEGACY);
    }
}
