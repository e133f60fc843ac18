package dev.mcpauth.authserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With a state directory, clients, grants and the signing key survive a restart; corrupt files are reported. */
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
            // Rotation was persisted too: the first refresh token is spent.
            assertThat(TestAuthServer.json(third.refresh(client, tokens.get("refresh_token").asText(), null)).get("error").asText()).isEqualTo("invalid_grant");
        }
    }

    @Test
    void stateFilesAreOwnerOnlyAndHoldNoClearTokens() throws Exception {
        String refresh;
        try (TestAuthServer server = start()) {
            refresh = server.tokensFor(server.registerPublicClient(), "read:files").get("refresh_token").asText();
        }
        for (String name : new String[] {"clients.json", "grants.json", "signing-key.json"}) {
            Path f = dir.resolve(name);
            assertThat(f).exists();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).as(name).isEqualTo("rw-------");
        }
        assertThat(Files.readString(dir.resolve("grants.json"))).doesNotContain(refresh);
        try (var listing = Files.list(dir)) {
            assertThat(listing.filter(p -> p.toString().endsWith(".tmp"))).isEmpty();
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
