package dev.mcpauth.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeysTest {

    @TempDir
    Path dir;

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    @ParameterizedTest
    @ValueSource(strings = {"ES256", "RS256", "EdDSA"})
    void generatedKeyIsWrittenOwnerOnlyAndLoadsBack(String alg) throws Exception {
        JWK key = Keys.generate(JWSAlgorithm.parse(alg));
        Path privateFile = dir.resolve("keys/signing.jwk.json");
        Path publicFile = dir.resolve("keys/jwks.json");

        Keys.writePrivateJwk(key, privateFile);
        Keys.writePublicJwks(List.of(key), publicFile);

        assertThat(Files.getPosixFilePermissions(privateFile))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        JWK loaded = Keys.loadPrivateKey(privateFile);
        assertThat(loaded).isEqualTo(key);
        assertThat(loaded.getKeyID()).isEqualTo(key.computeThumbprint().toString());
        JWKSet published = Keys.loadPublicKeys(publicFile);
        assertThat(published.getKeys()).singleElement().satisfies(k -> assertThat(k.isPrivate()).isFalse());
        assertThat(Files.readString(publicFile)).doesNotContain("\"d\"");
    }

    @Test
    void rsaKeysAreAtLeast2048Bits() {
        assertThat(((RSAKey) Keys.generate(JWSAlgorithm.RS256)).size()).isGreaterThanOrEqualTo(2048);
        assertThatThrownBy(() -> Keys.generateRsa(1024, JWSAlgorithm.RS256)).hasMessageContaining("2048");
    }

    @Test
    void keyIsChosenFromAJwksByKid() throws Exception {
        JWK first = Keys.generate(JWSAlgorithm.ES256);
        JWK second = Keys.generate(JWSAlgorithm.ES256);
        Path file = dir.resolve("private-jwks.json");
        Files.writeString(file, new JWKSet(List.of(first, second)).toString(false));

        assertThat(Keys.loadPrivateKey(file, second.getKeyID())).isEqualTo(second);
        assertThatThrownBy(() -> Keys.loadPrivateKey(file)).hasMessageContaining(file.toString()).hasMessageContaining("kid");
        assertThatThrownBy(() -> Keys.loadPrivateKey(file, "nope")).hasMessageContaining("no key with kid nope");
    }

    @Test
    void rsaPrivateKeyIsLoadedFromPem() throws Exception {
        RSAKey rsa = (RSAKey) Keys.generate(JWSAlgorithm.RS256);
        Path file = dir.resolve("rsa.pem");
        Files.writeString(file, pem("PRIVATE KEY", rsa.toPrivateKey().getEncoded()));

        JWK loaded = Keys.loadPrivateKey(file);

        assertThat(loaded.isPrivate()).isTrue();
        assertThat(loaded.toRSAKey().getModulus()).isEqualTo(rsa.getModulus());
        assertThat(loaded.getKeyID()).isEqualTo(rsa.computeThumbprint().toString());
        String token = TokenMinter.withKey(loaded).token().issuer(TestTokens.ISSUER).subject("alice").audience(TestTokens.RESOURCE).mint();
        assertThat(JwksVerifier.fromJwkSet(new JWKSet(rsa.toPublicJWK()), JwtRules.of(TestTokens.ISSUER, TestTokens.RESOURCE))
                .verify(token).subject()).isEqualTo("alice");
    }

    @Test
    void ecPrivateKeyIsLoadedFromPemWithItsPublicKey() throws Exception {
        ECKey ec = (ECKey) Keys.generate(JWSAlgorithm.ES256);
        Path file = dir.resolve("ec.pem");
        Files.writeString(file, pem("PRIVATE KEY", ec.toPrivateKey().getEncoded()) + pem("PUBLIC KEY", ec.toPublicKey().getEncoded()));

        JWK loaded = Keys.loadPrivateKey(file);

        assertThat(loaded.isPrivate()).isTrue();
        assertThat(loaded.toECKey().getX()).isEqualTo(ec.getX());
    }

    @Test
    void badFilesAreNamedInTheError() throws Exception {
        Path garbage = dir.resolve("garbage.json");
        Files.writeString(garbage, "{not json");
        Path publicOnly = dir.resolve("public.json");
        Files.writeString(publicOnly, Keys.generate(JWSAlgorithm.ES256).toPublicJWK().toJSONString());
        Path missing = dir.resolve("missing.json");

        assertThatThrownBy(() -> Keys.loadPrivateKey(garbage)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(garbage.toString()).hasMessageContaining("not a valid JWK");
        assertThatThrownBy(() -> Keys.loadPrivateKey(publicOnly)).hasMessageContaining("only a public key");
        assertThatThrownBy(() -> Keys.loadPrivateKey(missing)).hasMessageContaining("cannot read key file");
        Path badPem = dir.resolve("bad.pem");
        Files.writeString(badPem, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> Keys.loadPrivateKey(badPem)).hasMessageContaining(badPem.toString());
    }

    @Test
    void overwritingAKeyFileKeepsItOwnerOnly() throws Exception {
        Path file = dir.resolve("signing.jwk.json");
        Files.writeString(file, "old");
        Files.setPosixFilePermissions(file, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OTHERS_READ));

        Keys.writePrivateJwk(Keys.generate(JWSAlgorithm.EdDSA), file);

        assertThat(Files.getPosixFilePermissions(file)).doesNotContain(PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_READ);
    }
}
