package dev.mcpauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keys generate} and {@code keys show}. */
class KeysCommandTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"ES256", "RS256", "EdDSA"})
    void generateWritesAnOwnerOnlyPrivateJwkAndAPublicJwksAndPrintsThePaths(String alg) throws Exception {
        Cli.Result r = Cli.run("keys", "generate", "--alg", alg, "--out-dir", dir.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        Path privateFile = dir.resolve("signing-key.json").toAbsolutePath();
        Path publicFile = dir.resolve("jwks.json").toAbsolutePath();
        assertThat(r.out()).contains(privateFile.toString()).contains(publicFile.toString());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateFile))).isEqualTo("rw-------");
        JWK key = JWK.parse(Files.readString(privateFile));
        assertThat(key.isPrivate()).isTrue();
        assertThat(key.getAlgorithm().getName()).isEqualTo(alg);
        JWKSet published = JWKSet.parse(Files.readString(publicFile));
        assertThat(published.getKeys()).hasSize(1);
        assertThat(published.getKeys().get(0).isPrivate()).isFalse();
        assertThat(Files.readString(publicFile)).doesNotContain("\"d\"");
        // The kid is the RFC 7638 thumbprint, the same in both files.
        assertThat(key.getKeyID()).isEqualTo(key.computeThumbprint().toString()).isEqualTo(published.getKeys().get(0).getKeyID());
        assertThat(r.out()).contains("kid: " + key.getKeyID());
    }

    @Test
    void generateRefusesToOverwriteUnlessForced() throws Exception {
        assertThat(Cli.run("keys", "generate", "--out-dir", dir.toString()).exitCode()).isZero();
        String before = Files.readString(dir.resolve("signing-key.json"));

        Cli.Result again = Cli.run("keys", "generate", "--out-dir", dir.toString());

        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).startsWith("mcp-auth: ").contains("already exists").contains("--force");
        assertThat(Files.readString(dir.resolve("signing-key.json"))).isEqualTo(before);

        Cli.Result forced = Cli.run("keys", "generate", "--out-dir", dir.toString(), "--force");

        assertThat(forced.exitCode()).isZero();
        assertThat(Files.readString(dir.resolve("signing-key.json"))).isNotEqualTo(before);
    }

    @Test
    void generateUsesTheKidGiven() throws Exception {
        Cli.Result r = Cli.run("keys", "generate", "--out-dir", dir.toString(), "--kid", "2026-key-1");

        assertThat(r.exitCode()).isZero();
        assertThat(JWK.parse(Files.readString(dir.resolve("signing-key.json"))).getKeyID()).isEqualTo("2026-key-1");
        assertThat(JWKSet.parse(Files.readString(dir.resolve("jwks.json"))).getKeyByKeyId("2026-key-1")).isNotNull();
    }

    @Test
    void showPrintsThePublicPartAndThumbprintNeverThePrivatePart() throws Exception {
        Cli.run("keys", "generate", "--out-dir", dir.toString(), "--kid", "k1");
        JWK key = JWK.parse(Files.readString(dir.resolve("signing-key.json")));

        Cli.Result privateShown = Cli.run("keys", "show", dir.resolve("signing-key.json").toString());
        Cli.Result publicShown = Cli.run("keys", "show", dir.resolve("jwks.json").toString());

        assertThat(privateShown.exitCode()).as(privateShown.err()).isZero();
        JsonNode doc = JSON.readTree(privateShown.out()).at("/keys/0");
        assertThat(doc.path("kid").asText()).isEqualTo("k1");
        assertThat(doc.path("private").asBoolean()).isTrue();
        assertThat(doc.path("thumbprint").asText()).isEqualTo(key.computeThumbprint().toString());
        assertThat(doc.path("public_jwk").has("d")).isFalse();
        assertThat(privateShown.out()).doesNotContain(((com.nimbusds.jose.jwk.ECKey) key).getD().toString());
        JsonNode pub = JSON.readTree(publicShown.out()).at("/keys/0");
        assertThat(pub.path("private").asBoolean()).isFalse();
        assertThat(pub.path("thumbprint").asText()).isEqualTo(doc.path("thumbprint").asText());
    }

    @Test
    void showOfAFileThatIsNoKeyIsOneLineAndExitTwo() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.json"), "this is not json");

        Cli.Result r = Cli.run("keys", "show", junk.toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("mcp-auth: key file").doesNotContain("\tat ");
        assertThat(r.err().strip().lines()).hasSize(1);
    }
}
