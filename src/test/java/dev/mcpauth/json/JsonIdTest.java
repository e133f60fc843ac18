package dev.mcpauth.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Ids key the maps of requests in flight: one side converts with {@link Json#id}, and code outside this project (the
 * SDK's JSON-RPC types) with Jackson. The two must give equal keys, of the same Java type, for every id a client sends.
 */
class JsonIdTest {

    @ParameterizedTest
    @ValueSource(strings = {"\"abc\"", "\"\"", "0", "7", "-12", "2147483648", "9223372036854775807", "99999999999999999999999",
            "1.5", "1e3", "-0.0"})
    void anIdConvertsToWhatJacksonGivesAndOfTheSameType(String json) throws Exception {
        JsonNode id = Json.shared().readTree(json);
        Object jackson = Json.shared().convertValue(id, Object.class);

        Object ours = Json.id(id);

        assertThat(ours).isEqualTo(jackson);
        assertThat(ours.getClass()).isEqualTo(jackson.getClass());
        assertThat(ours.hashCode()).isEqualTo(jackson.hashCode());
    }

    @Test
    void anAbsentOrNullIdIsNull() throws Exception {
        assertThat(Json.id(null)).isNull();
        assertThat(Json.id(MissingNode.getInstance())).isNull();
        assertThat(Json.id(Json.shared().readTree("null"))).isNull();
    }
}
