package dev.mcpauth.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The committed man pages, completions and README configuration block are what the current commands generate. */
class GeneratedDocsAreFreshTest {

    private static final String HOW = " is stale: run " + Docs.REGENERATE + " and commit the result";
    private final Path root = Docs.root();

    @Test
    void committedManPagesMatchTheCommands() throws Exception {
        Map<String, String> generated = Docs.manPages();
        TreeSet<String> committed;
        try (var files = Files.list(root.resolve("man"))) {
            committed = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".1")).collect(Collectors.toCollection(TreeSet::new));
        }
        assertThat(committed).as("man/ has one page per command" + HOW).isEqualTo(new TreeSet<>(generated.keySet()));
        assertThat(generated).containsKeys("mcp-auth.1", "mcp-auth-serve.1", "mcp-auth-token-mint.1");
        for (var page : generated.entrySet()) {
            assertThat(Docs.read(root.resolve("man").resolve(page.getKey()))).as("man/" + page.getKey() + HOW).isEqualTo(page.getValue());
        }
    }

    @Test
    void committedCompletionsMatchTheCommands() throws Exception {
        assertThat(Docs.read(root.resolve("completions/mcp-auth.bash"))).as("completions/mcp-auth.bash" + HOW).isEqualTo(Docs.bashCompletion());
        assertThat(Docs.read(root.resolve("completions/_mcp-auth"))).as("completions/_mcp-auth" + HOW).isEqualTo(Docs.zshCompletion());
    }

    @Test
    void readmeConfigurationReferenceMatchesTheCommands() throws Exception {
        String readme = Docs.read(root.resolve("README.md"));
        String expected = Docs.readmeWithConfigReference(readme);
        assertThat(expected).as("README.md must hold the " + Docs.BEGIN_CONFIG + " ... " + Docs.END_CONFIG
                + " block; add the markers and run " + Docs.REGENERATE).isNotNull();
        assertThat(readme).as("README.md's configuration reference" + HOW).isEqualTo(expected);
    }

    @Test
    void configurationReferenceNamesEveryServeOptionWithItsVariableAndDefault() {
        String reference = Docs.configReference();
        assertThat(reference)
                .contains("### `mcp-auth serve`")
                .contains("| `--port <port>` | `MCP_AUTH_PORT` | `port` | `8001` |")
                .contains("`MCP_AUTH_JWKS_URI`")
                .contains("`MCP_AUTH_CLIENT_ID_AS_AUDIENCE` | `client-id-as-audience` | `false` |")
                .doesNotContain("${DEFAULT-VALUE}")
                .doesNotContain("Env: MCP_AUTH_");
    }
}
