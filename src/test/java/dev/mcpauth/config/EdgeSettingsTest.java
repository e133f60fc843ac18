package dev.mcpauth.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The failed-token budget of the HTTP edge: its defaults and what validate() refuses. */
class EdgeSettingsTest {

    private static GatewayConfig withEdge(GatewayConfig.Edge edge) {
        return new GatewayConfig(
                new GatewayConfig.Listener("127.0.0.1", 0, "/mcp", null, true),
                new GatewayConfig.SharedSecret("a-shared-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8)),
                new GatewayConfig.JwtChecks(null, Set.of(), false, Duration.ofSeconds(60)),
                new GatewayConfig.Policy(Map.of(), Set.of()),
                new GatewayConfig.Tools(false, Path.of("."), List.of(), Duration.ofSeconds(10)),
                edge, null, List.of(), List.of());
    }

    @Test
    void edgeWithoutAFailureBudgetGetsTheDefaultOf30PerMinute() {
        GatewayConfig.Edge edge = new GatewayConfig.Edge(List.of(), 1024 * 1024, 64);

        assertThat(edge.maxTokenFailures()).isEqualTo(30);
        assertThat(edge.tokenFailureWindow()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void zeroFailuresIsAcceptedAsNoLimit() {
        assertThat(withEdge(new GatewayConfig.Edge(List.of(), 1024 * 1024, 64, 0, Duration.ofSeconds(60))).validate().edge().maxTokenFailures())
                .isZero();
    }

    @Test
    void negativeFailureBudgetIsRefusedNamingTheOption() {
        assertThatThrownBy(() -> withEdge(new GatewayConfig.Edge(List.of(), 1024 * 1024, 64, -1, Duration.ofSeconds(60))).validate())
                .isInstanceOf(ConfigException.class)
                .hasMessage("--max-token-failures must be 0 (no limit) or more, got -1");
    }

    @Test
    void windowOutsideOneSecondToOneDayIsRefusedNamingTheOption() {
        assertThatThrownBy(() -> withEdge(new GatewayConfig.Edge(List.of(), 1024 * 1024, 64, 30, Duration.ofMillis(500))).validate())
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("--token-failure-window must be between 1s and 24h");
        assertThatThrownBy(() -> withEdge(new GatewayConfig.Edge(List.of(), 1024 * 1024, 64, 30, Duration.ofDays(2))).validate())
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("--token-failure-window must be between 1s and 24h");
    }

    private static GatewayConfig withCapacity(GatewayConfig.Capacity capacity) {
        return withEdge(new GatewayConfig.Edge(List.of(), 1024 * 1024, 64).withCapacity(capacity));
    }

    @Test
    void capacityDefaultsCloseSlowHeadersAndCapConnectionsStreamsAndSessions() {
        GatewayConfig.Capacity defaults = new GatewayConfig.Edge(List.of(), 1024 * 1024, 64).capacity();

        assertThat(defaults).isEqualTo(new GatewayConfig.Capacity(Duration.ofSeconds(10), 4096, 256, 1024, 32, 100));
        assertThat(withCapacity(defaults.withNoPerAddressCap()).validate().edge().capacity().maxConnectionsPerAddress()).isZero();
    }

    @Test
    void capacityOutsideItsRangeIsRefusedNamingTheOption() {
        GatewayConfig.Capacity d = GatewayConfig.Capacity.DEFAULTS;
        assertThatThrownBy(() -> withCapacity(new GatewayConfig.Capacity(Duration.ofMillis(10), 1, 0, 1, 1, 1)).validate())
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("--header-timeout must be between 100ms and 10m");
        assertThatThrownBy(() -> withCapacity(new GatewayConfig.Capacity(d.headerTimeout(), 0, 0, 1, 1, 1)).validate())
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("--max-connections must be at least 1");
        assertThatThrownBy(() -> withCapacity(new GatewayConfig.Capacity(d.headerTimeout(), 1, -1, 1, 1, 1)).validate())
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("--max-connections-per-address must be 0 (no limit) or more");
        assertThatThrownBy(() -> withCapacity(new GatewayConfig.Capacity(d.headerTimeout(), 1, 0, 1, 0, 1)).validate())
                .isInstanceOf(ConfigException.class).hasMessageContaining("--max-streams-per-subject");
        assertThatThrownBy(() -> withCapacity(new GatewayConfig.Capacity(d.headerTimeout(), 1, 0, 1, 1, 0)).validate())
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("--max-sessions-per-subject must be at least 1");
    }

    @Test
    void bodyTimeoutOutsideItsRangeIsRefusedNamingTheOption() {
        GatewayConfig.Capacity d = GatewayConfig.Capacity.DEFAULTS;
        assertThat(d.bodyTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> withCapacity(new GatewayConfig.Capacity(d.headerTimeout(), 1, 0, 1, 1, 1, Duration.ofMillis(10))).validate())
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("--body-timeout must be between 100ms and 1h");
        assertThatThrownBy(() -> withCapacity(new GatewayConfig.Capacity(d.headerTimeout(), 1, 0, 1, 1, 1, Duration.ofHours(2))).validate())
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("--body-timeout must be between 100ms and 1h");
    }

    @Test
    void requestQueueOutsideItsRangeIsRefusedNamingTheOption() {
        GatewayConfig.Capacity d = GatewayConfig.Capacity.DEFAULTS;
        assertThat(d.maxQueued()).isEqualTo(1024);
        assertThat(d.queueTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThatThrownBy(() -> withCapacity(new GatewayConfig.Capacity(d.headerTimeout(), 1, 0, 1, 1, 1, -1, d.queueTimeout())).validate())
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("--max-queued must be 0 (refuse at once) or more");
        assertThatThrownBy(() -> withCapacity(new GatewayConfig.Capacity(d.headerTimeout(), 1, 0, 1, 1, 1, 8, Duration.ofMinutes(2))).validate())
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("--queue-timeout must be between 0 (refuse at once) and 1m");
    }
}
