package dev.mcpauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.token.TokenMinter;
import io.undertow.Undertow;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code token mint / inspect / verify} and {@code scopes}: exit codes and what they print. */
class TokenCommandsTest {

    static final String SECRET = "cli-test-secret-that-is-at-least-32-bytes";
    static final String RESOURCE = "http://127.0.0.1:8001/mcp";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void mintedTokenVerifiesWithExitZeroAndItsClaims() throws Exception {
        Cli.Result mint = Cli.run("token", "mint", "--secret", SECRET, "--sub", "alice", "--scope", "read:files math:calculate",
                "--iss", "https://issuer.example");
        assertThat(mint.exitCode()).as(mint.err()).isZero();
        String token = mint.outLine();
        assertThat(token.split("\\.")).hasSize(3);

        Cli.Result verify = Cli.run("token", "verify", token, "--secret", SECRET, "--issuer", "https://issuer.example", "--resource", RESOURCE);

        assertThat(verify.exitCode()).as(verify.err()).isZero();
        JsonNode doc = JSON.readTree(verify.out());
        assertThat(doc.path("valid").asBoolean()).isTrue();
        assertThat(doc.path("subject").asText()).isEqualTo("alice");
        assertThat(doc.path("scopes").toString()).contains("read:files", "math:calculate");
        assertThat(doc.path("audiences").toString()).contains(RESOURCE);
    }

    @Test
    void expiredTokenFailsVerifyWithExitOneAndTheReason() {
        String expired = TokenMinter.withSecret(SECRET.getBytes(StandardCharsets.UTF_8))
                .withClock(Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC))
                .token().subject("alice").audience(RESOURCE).ttl(Duration.ofHours(1)).mint();

        Cli.Result verify = Cli.run("token", "verify", expired, "--secret", SECRET, "--resource", RESOURCE);

        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.out()).isEmpty();
        assertThat(verify.err().strip()).startsWith("mcp-auth: token rejected (invalid_token): ").containsIgnoringCase("expired");
        assertThat(verify.err().strip().lines()).hasSize(1);
    }

    @Test
    void tokenForAnotherAudienceFailsVerifyWithExitOneNamingTheAudience() {
        String token = Cli.run("token", "mint", "--secret", SECRET, "--aud", "https://other.example/mcp").outLine();

        Cli.Result verify = Cli.run("token", "verify", token, "--secret", SECRET, "--resource", RESOURCE);

        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.err()).contains("token rejected (invalid_token)").containsIgnoringCase("aud").contains(RESOURCE);
    }

    @Test
    void tokenSignedWithAnotherSecretFailsVerify() {
        String token = Cli.run("token", "mint", "--secret", SECRET).outLine();

        Cli.Result verify = Cli.run("token", "verify", token, "--secret", "a-different-secret-that-is-32-bytes-long!!");

        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.err()).contains("token rejected (invalid_token)");
    }

    @Test
    void inspectMarksAnExpiredTokenAndAFreshOne() throws Exception {
        String expired = TokenMinter.withSecret(SECRET.getBytes(StandardCharsets.UTF_8))
                .withClock(Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC))
                .token().subject("alice").audience(RESOURCE).ttl(Duration.ofHours(1)).mint();
        String fresh = Cli.run("token", "mint", "--secret", SECRET, "--ttl", "10m").outLine();

        Cli.Result old = Cli.run("token", "inspect", expired, "--json");
        Cli.Result current = Cli.run("token", "inspect", fresh, "--json");

        assertThat(old.exitCode()).isZero();
        assertThat(JSON.readTree(old.out()).path("expired").asBoolean()).isTrue();
        assertThat(JSON.readTree(old.out()).path("verified").asBoolean()).isFalse();
        assertThat(JSON.readTree(old.out()).at("/times/exp").asText()).endsWith("ago)");
        assertThat(JSON.readTree(current.out()).path("expired").asBoolean()).isFalse();
        assertThat(JSON.readTree(current.out()).at("/header/typ").asText()).isEqualTo("at+jwt");
        assertThat(current.err()).isEmpty();
    }

    @Test
    void inspectWithoutJsonPrintsAHumanSummaryNotTheJsonDocument() {
        String token = TokenMinter.withSecret(SECRET.getBytes(StandardCharsets.UTF_8))
                .withClock(Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC))
                .token().issuer("https://issuer.example").subject("alice").clientId("cli").audience(RESOURCE).scope("tools:read", "math:calculate")
                .claim("tenant", "acme").ttl(Duration.ofHours(1)).mint();

        Cli.Result summary = Cli.run("token", "inspect", token);

        assertThat(summary.exitCode()).isZero();
        assertThat(summary.out()).doesNotContain("{").startsWith("EXPIRED - signature NOT checked");
        assertThat(summary.out()).contains("  issuer:     https://issuer.example", "  subject:    alice", "  client:     cli",
                "  audience:   " + RESOURCE, "  algorithm:  HS256", "  tenant:     acme");
        assertThat(summary.out()).containsPattern("scope: +(tools:read math:calculate|math:calculate tools:read)");
        assertThat(summary.out()).containsPattern("expires: +\\S+ \\(2h 0m ago|expires: +\\S+ \\(1h 59m ago|expires: +\\S+ \\(1h 0m ago|expires: +\\S+ \\(59m");
    }

    @Test
    void tokenMintedWithAnEs256JwkVerifiesAgainstAJwksOfItsPublicPart() throws Exception {
        Cli.Result keys = Cli.run("keys", "generate", "--alg", "ES256", "--out-dir", dir.toString());
        assertThat(keys.exitCode()).as(keys.err()).isZero();
        String token = Cli.run("token", "mint", "--key", dir.resolve("signing-key.json").toString(), "--scope", "read:files").outLine();
        JsonNode header = JSON.readTree(Cli.run("token", "inspect", token, "--json").out()).path("header");
        assertThat(header.path("alg").asText()).isEqualTo("ES256");

        Undertow jwks = serveFile(dir.resolve("jwks.json"));
        try {
            String jwksUri = "http://127.0.0.1:" + ((InetSocketAddress) jwks.getListenerInfo().get(0).getAddress()).getPort() + "/jwks.json";
            Cli.Result verify = Cli.run("token", "verify", token, "--jwks-uri", jwksUri, "--resource", RESOURCE);
            Cli.Result tampered = Cli.run("token", "verify", token.substring(0, token.length() - 4) + "AAAA", "--jwks-uri", jwksUri, "--resource", RESOURCE);

            assertThat(verify.exitCode()).as(verify.err()).isZero();
            assertThat(JSON.readTree(verify.out()).path("scopes").toString()).contains("read:files");
            assertThat(tampered.exitCode()).isEqualTo(1);
        } finally {
            jwks.stop();
        }
        assertThat(header.path("kid").asText()).isEqualTo(JSON.readTree(Files.readString(dir.resolve("jwks.json"))).at("/keys/0/kid").asText());
    }

    @Test
    void scopesShowsWhatEachToolNeedsAndWhatATokenMayCall() throws Exception {
        String token = Cli.run("token", "mint", "--secret", SECRET, "--scope", "math:calculate").outLine();

        Cli.Result table = Cli.run("scopes");
        Cli.Result json = Cli.run("scopes", "--json", "--token", token);
        Cli.Result tableWithToken = Cli.run("scopes", "--token", token);

        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out()).contains("TOOL").contains("list_files").contains("read:files");
        assertThat(tableWithToken.out()).contains("ALLOWED").containsPattern("add_numbers +yes").containsPattern("list_files +no");
        assertThat(json.exitCode()).isZero();
        JsonNode doc = JSON.readTree(json.out());
        assertThat(allowed(doc, "add_numbers")).isTrue();
        assertThat(allowed(doc, "list_files")).isFalse();
        assertThat(doc.path("token_scopes").toString()).contains("math:calculate");
    }

    @Test
    void badInputIsOneLineAndExitTwoWithoutAStackTrace() {
        String[][] cases = {
            {"token", "mint"},
            {"token", "mint", "--secret", SECRET, "--ttl", "soon"},
            {"token", "mint", "--secret", SECRET, "--claim", "novalue"},
            {"token", "mint", "--key", dir.resolve("missing.json").toString()},
            {"token", "verify", "abc"},
            {"token", "mint", "--no-such-option"},
            {"keys", "generate", "--alg", "HS256", "--out-dir", dir.toString()},
            {"keys", "generate"},
            {"authserver", "--user", "nopassword", "--port", "0"},
            {"authserver", "--key", dir.resolve("k.json").toString(), "--secret", SECRET, "--port", "0"},
        };
        for (String[] args : cases) {
            Cli.Result r = Cli.run(args);
            String what = String.join(" ", args) + " -> " + r.err();
            assertThat(r.exitCode()).as(what).isEqualTo(2);
            assertThat(r.err()).as(what).startsWith("mcp-auth: ").doesNotContain("\tat ").doesNotContain("Exception");
            assertThat(r.out()).as(what).isEmpty();
        }
    }

    @Test
    void inspectOfSomethingThatIsNotAJwtFailsWithOneLine() {
        Cli.Result r = Cli.run("token", "inspect", "not-a-jwt");

        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err().strip()).startsWith("mcp-auth: not a JWT").doesNotContain("\tat ");
        assertThat(r.err().strip().lines()).hasSize(1);
    }

    private static boolean allowed(JsonNode doc, String tool) {
        for (JsonNode row : doc.path("tools")) {
            if (row.path("tool").asText().equals(tool)) {
                return row.path("allowed").asBoolean();
            }
        }
        throw new AssertionError("no row for " + tool + " in " + doc);
    }

    /** The issuer's published JWKS, as a small local HTTP endpoint. */
    private static Undertow serveFile(Path file) throws Exception {
        String body = Files.readString(file);
        Undertow server = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(exchange -> {
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
            exchange.getResponseSender().send(body);
        }).build();
        server.start();
        return server;
    }
}
