package dev.mcpauth.authserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With a state directory, clients, grants and the signing key survive a restart; old JSON state is imported; corrupt files are reported. */
class PersistenceTest {
    static final String ISSUER = "http://127.0.0.1:8001";

    @TempDir
    Path dir;

    private TestAuthServer start() {
        return TestAuthServer.start(ISSUER, b -> b.autoApprove(true).stateDirectory(dir).client(TestAuthServer.RESOURCE_SERVER));
    }

    @Test
    void clientsRefreshTokensRevocationsAndTheKeySurviveARestart() throws Exception {
        TestAuthServer.Client client;
        JsonNode tokens;
        String revokedAccess;
        String kid;
        try (TestAuthServer first = start()) {
            client = first.registerPublicClient();
            tokens = first.tokensFor(client, "read:files");
            revokedAccess = first.tokensFor(client, "read:files").get("access_token").asText();
            first.postForm("/oauth/revoke", java.util.Map.of("token", revokedAccess, "client_id", client.id()));
            kid = first.as.publicKeys().getKeys().get(0).getKeyID();
        }
        try (TestAuthServer second = start()) {
            assertThat(second.as.publicKeys().getKeys().get(0).getKeyID()).isEqualTo(kid);
            assertThat(second.introspect(tokens.get("access_token").asText()).get("active").asBoolean()).isTrue();
            assertThat(second.introspect(revokedAccess).get("active").asBoolean()).isFalse();
            var refreshed = second.refresh(client, tokens.get("refresh_token").asText(), null);
            assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
            // The registered client is still known at the authorization endpoint.
            assertThat(second.authorize(second.authorizeParams(client, Pkce.newVerifier(), "read:files")).statusCode()).isEqualTo(302);
        }
        try (TestAuthServer third = start()) {
            // Rotation was persisted too: past the retry grace, the first refresh token is spent.
            third.clock.advance(GrantStore.REFRESH_RACE_GRACE.plusSeconds(1));
            assertThat(TestAuthServer.json(third.refresh(client, tokens.get("refresh_token").asText(), null)).get("error").asText()).isEqualTo("invalid_grant");
        }
    }

    @Test
    void stateDatabaseAndKeyAreOwnerOnlyAndHoldNoClearTokens() throws Exception {
        String refresh;
        try (TestAuthServer server = start()) {
            refresh = server.tokensFor(server.registerPublicClient(), "read:files").get("refresh_token").asText();
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        for (String name : new String[] {"authserver.mv.db", "signing-key.json"}) {
            Path f = dir.resolve(name);
            assertThat(f).exists();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).as(name).isEqualTo("rw-------");
        }
        assertThat(new String(Files.readAllBytes(dir.resolve("authserver.mv.db")), java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(refresh);
        try (var listing = Files.list(dir)) {
            assertThat(listing.filter(p -> p.toString().endsWith(".tmp") || p.toString().endsWith(".json") && !p.endsWith("signing-key.json"))).isEmpty();
        }
    }

    @Test
    void jsonStateOfAnEarlierVersionIsImportedOnFirstStartAndKeptAsImported() throws Exception {
        long now = java.time.Instant.now().getEpochSecond();
        String refresh = Secrets.newHandle();
        RegisteredClient client = new RegisteredClient("mcp-old", null, now, "old", java.util.List.of("http://127.0.0.1:9/cb"),
                RegisteredClient.NONE, java.util.List.of("authorization_code", "refresh_token"), java.util.List.of("code"), "native", null, java.util.Map.of());
        new StateFile(dir, "clients.json").write(new ClientStore.Snapshot(java.util.List.of(client)));
        new StateFile(dir, "grants.json").write(new GrantStore.Snapshot(
                java.util.List.of(new GrantStore.Grant("g1", "mcp-old", "demo", "read:files", ISSUER + "/mcp", "authorization_code", now, false),
                        new GrantStore.Grant("g2", "mcp-old", "demo", "read:files", ISSUER + "/mcp", "authorization_code", now, true)),
                java.util.List.of(new GrantStore.RefreshToken(Secrets.hash(refresh), "g1", "read:files", now, now + 3600, false)),
                java.util.List.of(new GrantStore.IssuedAccessToken("jti-live", "g1", now + 600, false),
                        new GrantStore.IssuedAccessToken("jti-revoked", "g1", now + 600, true),
                        new GrantStore.IssuedAccessToken("jti-of-revoked-grant", "g2", now + 600, false))));
        try (TestAuthServer server = start()) {
            assertThat(server.as.revocations().isRevoked("jti-live")).isFalse();
            assertThat(server.as.revocations().isRevoked("jti-revoked")).isTrue();
            assertThat(server.as.revocations().isRevoked("jti-of-revoked-grant")).isTrue();
            var refreshed = server.refresh(new TestAuthServer.Client("mcp-old", null), refresh, null);
            assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        }
        assertThat(dir.resolve("clients.json")).doesNotExist();
        assertThat(dir.resolve("clients.json.imported")).exists();
        assertThat(dir.resolve("grants.json.imported")).exists();
        try (TestAuthServer again = start()) {
            // Imported once: the rotation done above stands, and past the retry grace the old token is spent.
            again.clock.advance(GrantStore.REFRESH_RACE_GRACE.plusSeconds(1));
            assertThat(TestAuthServer.json(again.refresh(new TestAuthServer.Client("mcp-old", null), refresh, null))
                    .get("error").asText()).isEqualTo("invalid_grant");
        }
    }

    @Test
    void corruptClientsFileIsReportedByName() throws Exception {
        Files.writeString(dir.resolve("clients.json"), "{\"clients\": [ {\"clientId\": ");
        assertThatThrownBy(this::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(dir.resolve("clients.json").toString()).hasMessageContaining("corrupt");
    }

    @Test
    void corruptGrantsFileIsReportedByName() throws Exception {
        Files.writeString(dir.resolve("grants.json"), "not json at all");
        assertThatThrownBy(this::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(dir.resolve("grants.json").toString());
    }

    @Test
    void corruptSigningKeyFileIsReportedByName() throws Exception {
        Files.writeString(dir.resolve("signing-key.json"), "{\"kty\":\"EC\"}");
        assertThatThrownBy(this::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(dir.resolve("signing-key.json").toString());
    }
}
