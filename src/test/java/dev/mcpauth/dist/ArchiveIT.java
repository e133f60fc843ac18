package dev.mcpauth.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.sun.net.httpserver.HttpServer;
import dev.mcpauth.support.TestGateway;
import dev.mcpauth.token.Keys;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive built by the {@code dist} profile, unpacked into a temporary directory and run with a PATH that has no
 * Java and no JAVA_HOME: everything it needs is inside it.
 */
class ArchiveIT {

    @TempDir
    static Path unpacked;
    static Unpacked archive;

    @BeforeAll
    static void unpack() throws Exception {
        archive = Unpacked.from(Path.of(System.getProperty("mcpauth.archive", "target/mcp-auth-0.1.0-linux-x86_64.tar.xz")), unpacked);
    }

    @Test
    void environmentOfTheseTestsHasNoJava() throws Exception {
        Unpacked.Result which = archive.run(List.of("bash", "-c", "command -v java || echo no-java; echo JAVA_HOME=${JAVA_HOME-unset}"));
        assertThat(which.stdout()).contains("no-java").contains("JAVA_HOME=unset");
    }

    @Test
    void versionPrintsVersionCommitAndTheBundledRuntime() throws Exception {
        Unpacked.Result version = archive.run(List.of(archive.launcher().toString(), "--version"));
        assertThat(version.exitCode()).as(version.stderr()).isZero();
        assertThat(version.stdout()).containsPattern("mcp-auth \\d+\\.\\d+\\.\\d+\\S* \\(commit [0-9a-f]{7,}|unknown\\)")
                .containsPattern("Java \\d+");
        assertThat(version.stderr()).as("no JVM notes on the terminal").isEmpty();
    }

    @Test
    void aotCacheIsUsableByTheLauncher() throws Exception {
        assertThat(archive.home().resolve("lib/mcp-auth.aot")).exists();
        // AOTMode=on makes the JVM fail instead of silently starting without the cache.
        Unpacked.Result version = archive.run(List.of(archive.launcher().toString(), "--version"), "MCP_AUTH_JAVA_OPTS", "-XX:AOTMode=on");
        assertThat(version.exitCode()).as(version.stdout() + version.stderr()).isZero();
    }

    @Test
    void picocliIsLoadedFromTheAotCacheNotFromTheJar() throws Exception {
        // Its published jar is Java 5 bytecode, which the AOT cache cannot hold: the build compiles it from source.
        Path log = unpacked.resolve("class-load.log");
        Unpacked.Result version = archive.run(List.of(archive.launcher().toString(), "--version"),
                "MCP_AUTH_JAVA_OPTS", "-Xlog:class+load=info:file=" + log);
        assertThat(version.exitCode()).as(version.stderr()).isZero();
        assertThat(Files.readAllLines(log)).filteredOn(line -> line.contains(" picocli.CommandLine "))
                .singleElement().asString().contains("source: shared objects file");
    }

    @Test
    void serveAnswersAToolsCallWithAMintedSharedSecretToken() throws Exception {
        String secret = "archive-test-secret-that-is-long-enough-32";
        int port = Unpacked.freePort();
        String resource = "http://127.0.0.1:" + port + "/mcp";
        Unpacked.Result mint = archive.run(List.of(archive.launcher().toString(), "token", "mint", "--secret", secret,
                "--scope", "math:calculate", "--aud", resource));
        assertThat(mint.exitCode()).as(mint.stderr()).isZero();
        try (Unpacked.Server server = archive.serve(port, "--secret", secret)) {
            assertThat(addTwoAndThree(server, mint.stdout().strip())).isEqualTo("5");
        }
    }

    /**
     * The runtime is jlinked without java.desktop (java.beans), java.compiler, java.security.jgss and sasl: the YAML
     * configuration, PEM keys (no BouncyCastle) and Ed25519 (the JDK's, no Tink) must all still work on it.
     */
    @Test
    void yamlConfigPemKeysAndEd25519WorkOnTheTrimmedRuntime(@TempDir Path keys) throws Exception {
        JWK ed25519 = Keys.generate(JWSAlgorithm.EdDSA);
        Path edFile = keys.resolve("ed25519.jwk");
        Keys.writePrivateJwk(ed25519, edFile);
        Path pemFile = keys.resolve("rsa.pem");
        Files.writeString(pemFile, "-----BEGIN PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder().encodeToString(
                ((com.nimbusds.jose.jwk.RSAKey) Keys.generate(JWSAlgorithm.RS256)).toPrivateKey().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        Path yaml = archive.workDir().resolve("mcp-auth.yaml");
        Files.writeString(yaml, "# read by Jackson's YAML module on the trimmed runtime\nmax-queued: 512\nqueue-timeout: \"2s\"\n");
        try {
            for (Path key : List.of(edFile, pemFile)) {
                Unpacked.Result mint = archive.run(List.of(archive.launcher().toString(), "token", "mint", "--key", key.toString()));
                assertThat(mint.exitCode()).as(mint.stderr()).isZero();
                com.nimbusds.jwt.SignedJWT jwt = com.nimbusds.jwt.SignedJWT.parse(mint.stdout().strip());
                if (key == edFile) {
                    assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.EdDSA);
                    assertThat(jwt.verify(dev.mcpauth.token.Ed25519Jdk.verifier(((com.nimbusds.jose.jwk.OctetKeyPair) ed25519).toPublicJWK()))).isTrue();
                } else {
                    assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
                }
            }
        } finally {
            Files.deleteIfExists(yaml);
        }
    }

    @Test
    void serveValidatesEs256TokensAgainstAJwksOnLoopbackHttp(@TempDir Path keys) throws Exception {
        JWK key = Keys.generate(JWSAlgorithm.ES256);
        Path privateJwk = keys.resolve("es256.jwk");
        Keys.writePrivateJwk(key, privateJwk);
        byte[] jwks = ("{\"keys\":[" + key.toPublicJWK().toJSONString() + "]}").getBytes(StandardCharsets.UTF_8);
        HttpServer issuer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        issuer.createContext("/jwks.json", ex -> {
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, jwks.length);
            ex.getResponseBody().write(jwks);
            ex.close();
        });
        issuer.start();
        try {
            int port = Unpacked.freePort();
            Unpacked.Result mint = archive.run(List.of(archive.launcher().toString(), "token", "mint", "--key", privateJwk.toString(),
                    "--scope", "math:calculate", "--aud", "http://127.0.0.1:" + port + "/mcp"));
            assertThat(mint.exitCode()).as(mint.stderr()).isZero();
            String jwksUri = "http://127.0.0.1:" + issuer.getAddress().getPort() + "/jwks.json";
            try (Unpacked.Server server = archive.serve(port, "--jwks-uri", jwksUri)) {
                assertThat(addTwoAndThree(server, mint.stdout().strip())).isEqualTo("5");
                assertThat(server.post(null, TestGateway.toolCall(2, "add_numbers", "{\"a\":1,\"b\":1}")).statusCode()).isEqualTo(401);
            }
        } finally {
            issuer.stop(0);
        }
    }

    @Test
    void installPutsTheProgramManPagesAndCompletionsUnderThePrefix(@TempDir Path prefix) throws Exception {
        Unpacked.Result install = archive.run(List.of(archive.home().resolve("install.sh").toString(), "--prefix", prefix.toString()));
        assertThat(install.exitCode()).as(install.stdout() + install.stderr()).isZero();
        assertThat(prefix.resolve("share/man/man1/mcp-auth.1")).exists();
        assertThat(prefix.resolve("share/man/man1/mcp-auth-serve.1")).exists();
        assertThat(prefix.resolve("share/bash-completion/completions/mcp-auth")).exists();
        assertThat(prefix.resolve("share/zsh/site-functions/_mcp-auth")).exists();
        Unpacked.Result version = archive.run(List.of(prefix.resolve("bin/mcp-auth").toString(), "--version"),
                "MCP_AUTH_JAVA_OPTS", "-XX:AOTMode=on");
        assertThat(version.exitCode()).as("installed copy still uses its AOT cache: " + version.stderr()).isZero();
        assertThat(version.stdout()).startsWith("mcp-auth ");

        Unpacked.Result uninstall = archive.run(List.of(archive.home().resolve("install.sh").toString(), "--prefix", prefix.toString(), "--uninstall"));
        assertThat(uninstall.exitCode()).isZero();
        assertThat(prefix.resolve("bin/mcp-auth")).doesNotExist();
        assertThat(prefix.resolve("share/man/man1/mcp-auth.1")).doesNotExist();
    }

    private static String addTwoAndThree(Unpacked.Server server, String token) throws Exception {
        HttpResponse<String> res = server.inSession(token, TestGateway.toolCall(3, "add_numbers", "{\"a\":2,\"b\":3}"));
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        JsonNode message = TestGateway.message(res);
        assertThat(message.path("result").path("isError").asBoolean(false)).as(message.toString()).isFalse();
        return message.path("result").path("structuredContent").path("exact").asText();
    }
}
