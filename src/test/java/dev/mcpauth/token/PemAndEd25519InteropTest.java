package dev.mcpauth.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Keys as other tools write them, read and used without BouncyCastle or Tink: PEM files written by OpenSSL in each
 * format it has, and Ed25519 checked against the test vector of RFC 8037 appendix A.4.
 */
class PemAndEd25519InteropTest {

    @TempDir
    Path dir;

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("openssl %s: %s", command, output).isZero();
    }

    private static boolean hasOpenssl() {
        try {
            return new ProcessBuilder("openssl", "version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /**
     * Each private key format OpenSSL writes, and both public key formats: the loaded private key signs a token
     * that the public key, read on its own from OpenSSL's public PEM, verifies; and both name the same key.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "PKCS#8 RSA     | genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out key.pem | PRIVATE KEY     | pkey -in key.pem -pubout -out pub.pem",
            "PKCS#1 RSA     | genrsa -traditional -out key.pem 2048                            | RSA PRIVATE KEY | rsa -in key.pem -RSAPublicKey_out -out pub.pem",
            "SEC1 EC P-256  | ecparam -name prime256v1 -genkey -noout -out key.pem            | EC PRIVATE KEY  | pkey -in key.pem -pubout -out pub.pem",
            "PKCS#8 EC P-384| genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out key.pem | PRIVATE KEY | pkey -in key.pem -pubout -out pub.pem",
    })
    void pemKeysWrittenByOpensslSignTokensTheirPublicPemVerifies(String format, String generate, String type, String publicOut)
            throws Exception {
        assumeTrue(hasOpenssl(), "openssl is not installed");
        openssl(generate.trim().split(" +"));
        openssl(publicOut.trim().split(" +"));
        assertThat(Files.readString(dir.resolve("key.pem"))).startsWith("-----BEGIN " + type.trim() + "-----");

        JWK privateKey = Keys.loadPrivateKey(dir.resolve("key.pem"));
        JWK publicKey = PemKeys.parse(Files.readString(dir.resolve("pub.pem")));
        String token = TokenMinter.withKey(privateKey).token().subject("alice").audience("https://mcp.example/mcp").mint();

        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(publicKey.isPrivate()).isFalse();
        assertThat(publicKey.computeThumbprint()).isEqualTo(privateKey.computeThumbprint());
        assertThat(jwt.verify(new DefaultJWSVerifierFactory().createJWSVerifier(jwt.getHeader(),
                ((AsymmetricJWK) publicKey).toPublicKey()))).as(format).isTrue();
    }

    @Test
    void unusablePemFilesAreRefusedNamingWhatIsWrong() throws Exception {
        Path encrypted = dir.resolve("encrypted.pem");
        Files.writeString(encrypted, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
        assertThatThrownBy(() -> Keys.loadPrivateKey(encrypted)).hasMessageContaining(encrypted.toString()).hasMessageContaining("encrypted");
        Path publicOnly = dir.resolve("public.pem");
        Files.writeString(publicOnly, "-----BEGIN PUBLIC KEY-----\n" + java.util.Base64.getMimeEncoder().encodeToString(
                ((java.security.interfaces.ECPublicKey) ((com.nimbusds.jose.jwk.ECKey) Keys.generate(JWSAlgorithm.ES256)).toPublicKey()).getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        assertThatThrownBy(() -> Keys.loadPrivateKey(publicOnly)).hasMessageContaining("only a public key");
    }

    /** RFC 8037 appendix A.4: Ed25519 is deterministic, so the JDK's signature must be exactly the RFC's. */
    @Test
    void ed25519SignsAndVerifiesTheRfc8037TestVector() throws Exception {
        OctetKeyPair key = OctetKeyPair.parse("{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
                + "\"d\":\"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}");
        JWSObject jws = new JWSObject(new JWSHeader(JWSAlgorithm.EdDSA), new Payload("Example of Ed25519 signing"));

        jws.sign(Ed25519Jdk.signer(key));

        assertThat(jws.serialize()).isEqualTo("eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
                + ".hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg");
        assertThat(JWSObject.parse(jws.serialize()).verify(Ed25519Jdk.verifier(key.toPublicJWK()))).isTrue();
        JWSObject tampered = JWSObject.parse("eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmd"
                + ".hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg");
        assertThat(tampered.verify(Ed25519Jdk.verifier(key.toPublicJWK()))).isFalse();
    }
}
