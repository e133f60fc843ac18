package dev.mcpauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.token.TokenMinter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policy beyond flat scopes as an operator meets it on the command line: a cycle in {@code policy.implies} or a CEL
 * condition that does not compile stops {@code serve} (exit 2, naming the cycle or the position) and fails
 * {@code doctor}; {@code scopes --token} shows what the token may do with the implications and the rules.
 */
class PolicyConfigCliTest {

    private static final String SECRET = "a-shared-secret-of-at-least-thirty-two-bytes";
    private static final String POLICY = """
            policy:
              implies:
                admin: [files:write]
                files:write: [read:files]
              tools:
                add_numbers:
                  when: 'args.a < 100'
                  message: only small numbers
                get_server_info:
                  when: 'has(claims.groups) && "eng" in claims.groups'
              rate-limits:
                - {name: adds, tools: add_numbers, calls: 10, window: 1m}
            """;

    @TempDir
    Path dir;


    @Test
    void aCycleInScopeImplicationsStopsServeNamingTheCycle() throws Exception {
        Path config = Files.writeString(dir.resolve("mcp-auth.yaml"), """
                policy:
                  implies:
                    admin: files:write
                    files:write: [files:read]
                    files:read: admin
                """);

        Cli.Result run = Cli.main("serve", "--config", config.toString(), "--secret", SECRET, "--port", "0");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("policy.implies: scope implications form a cycle: admin → files:write → files:read → admin");
        // The flag form is checked with the file's implications: a cycle across both is refused too.
        Path acyclic = Files.writeString(dir.resolve("ok.yaml"), "policy:\n  implies:\n    admin: files:write\n");
        Cli.Result flags = Cli.main("serve", "--config", acyclic.toString(), "--scope-implies", "files:write=admin", "--secret", SECRET, "--port", "0");
        assertThat(flags.exitCode()).isEqualTo(2);
        assertThat(flags.err()).contains("cycle: admin → files:write → admin");
    }

    @Test
    void aConditionThatDoesNotCompileStopsServeAndFailsDoctorWithItsPosition() throws Exception {
        Path config = Files.writeString(dir.resolve("mcp-auth.yaml"), """
                policy:
                  tools:
                    add_numbers:
                      when: 'args.a <'
                """);

        Cli.Result serve = Cli.main("serve", "--config", config.toString(), "--secret", SECRET, "--port", "0");
        Cli.Result doctor = Cli.main("doctor", "--config", config.toString(), "--secret", SECRET, "--port", "0");

        assertThat(serve.exitCode()).isEqualTo(2);
        assertThat(serve.err()).contains("policy.tools.add_numbers.when: invalid CEL expression 'args.a <' at 1:9:");
        assertThat(doctor.exitCode()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(doctor.out()).containsPattern("FAIL +policy +policy.tools.add_numbers.when: invalid CEL expression 'args.a <' at 1:9");
    }

    @Test
    void doctorShowsTheImplicationsConditionsAndLimits() throws Exception {
        Path config = Files.writeString(dir.resolve("mcp-auth.yaml"), POLICY);

        Cli.Result doctor = Cli.main("doctor", "--config", config.toString(), "--secret", SECRET, "--port", "0");

        assertThat(doctor.out()).containsPattern("PASS +policy +admin implies files:write; files:write implies read:files; "
                + "add_numbers when args.a < 100; get_server_info when has\\(claims.groups\\) && \"eng\" in claims.groups "
                + "\\(claims only: also hides it from lists\\); rate limit adds on add_numbers: 10 calls per 1m, per subject");
    }

    @Test
    void scopesWithATokenAppliesTheImplicationsAndTheClaimsConditions() throws Exception {
        Path config = Files.writeString(dir.resolve("mcp-auth.yaml"), POLICY);
        String adminToken = TokenMinter.withSecret(SECRET.getBytes(StandardCharsets.UTF_8)).token().subject("ann")
                .audience("http://127.0.0.1:8001/mcp").scope("admin").claim("groups", List.of("sales")).ttl(Duration.ofMinutes(5)).mint();

        Cli.Result run = Cli.main("scopes", "--config", config.toString(), "--token", adminToken, "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode doc = new ObjectMapper().readTree(run.out());
        assertThat(row(doc, "list_files").path("allowed").asBoolean()).as("admin → files:write → read:files").isTrue();
        assertThat(row(doc, "add_numbers").path("allowed").asBoolean()).isFalse();
        assertThat(row(doc, "add_numbers").path("when_reads").asText()).isEqualTo("claims and arguments");
        assertThat(row(doc, "get_server_info").path("allowed").asBoolean()).as("not in group eng").isFalse();
        assertThat(doc.path("implies").path("admin").get(0).asText()).isEqualTo("files:write");
        assertThat(doc.path("rate_limits").get(0).path("name").asText()).isEqualTo("adds");

        Cli.Result table = Cli.main("scopes", "--config", config.toString());
        assertThat(table.out()).contains("Scope admin implies: files:write", "Condition on add_numbers (reads claims and arguments): args.a < 100",
                "Rate limit adds on add_numbers: 10 calls per 1m, per subject");
    }

    private static JsonNode row(JsonNode doc, String tool) {
        for (JsonNode row : doc.path("tools")) {
            if (row.path("tool").asText().equals(tool)) {
                return row;
            }
        }
        throw new AssertionError("no row for " + tool + " in " + doc);
    }
}
