package dev.mcpauth.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.cli.Main;
import dev.mcpauth.tools.BuiltinTools;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** SECURITY.md is the threat model: every row names a test that exists, and every door the code opens has a row. */
class SecurityModelTest {

    private final SecurityModel model = SecurityModel.read();

    @Test
    void everyRowNamesATestAndEveryNamedTestExists() throws Exception {
        Map<String, String> sources = testSources();
        List<String> problems = new ArrayList<>();
        for (SecurityModel.Row row : model.rows()) {
            if (row.testRefs().isEmpty()) {
                problems.add("SECURITY.md:" + row.line() + " names no test (`Class#method`): " + row.door());
            }
            for (String[] ref : row.testRefs()) {
                String source = sources.get(ref[0]);
                if (source == null) {
                    problems.add("SECURITY.md:" + row.line() + " names class " + ref[0] + ", which is not a test class");
                } else if (!source.matches("(?s).*\\bvoid " + ref[1] + "\\(.*")) {
                    problems.add("SECURITY.md:" + row.line() + " names " + ref[0] + "#" + ref[1] + ", which has no such method");
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(model.rows()).hasSizeGreaterThan(60);
    }

    @Test
    void everyRouteOfTheGatewayAndTheEmbeddedAuthorizationServerHasARow() throws Exception {
        List<String> paths = new ArrayList<>(List.of("/health", "/mcp", "/.well-known/oauth-protected-resource",
                "/.well-known/oauth-protected-resource/mcp"));
        paths.addAll(authorizationServerPaths());
        assertThat(model.routes().keySet()).as("routes in SECURITY.md").containsAll(paths);
    }

    @Test
    void everyGrantTypeBuiltinToolAndCommandHasARow() throws Exception {
        List<String> missing = new ArrayList<>();
        for (String grant : grantTypes()) {
            if (!model.hasDoorNaming(grant)) {
                missing.add("grant type " + grant);
            }
        }
        for (String tool : BuiltinTools.DEFAULT_SCOPES.keySet()) {
            if (!model.hasDoorNaming(tool)) {
                missing.add("built-in tool " + tool);
            }
        }
        for (String command : commands(Main.commandTree(), "mcp-auth")) {
            if (!model.hasDoorNaming(command)) {
                missing.add("command " + command);
            }
        }
        assertThat(missing).as("doors without a row in SECURITY.md").isEmpty();
    }

    private static List<String> commands(CommandLine cli, String prefix) {
        List<String> names = new ArrayList<>();
        cli.getSubcommands().forEach((name, sub) -> {
            if (name.equals("help")) {
                return;
            }
            String full = prefix + " " + name;
            if (sub.getSubcommands().isEmpty()) {
                names.add(full);
            } else {
                names.addAll(commands(sub, full));
            }
        });
        return names;
    }

    /** The embedded AS's endpoint paths for an issuer without a path, read off {@code EndpointPaths}. */
    private static List<String> authorizationServerPaths() throws Exception {
        Class<?> type = Class.forName("dev.mcpauth.authserver.EndpointPaths");
        Constructor<?> constructor = type.getDeclaredConstructor(String.class, String.class);
        constructor.setAccessible(true);
        Object paths = constructor.newInstance("http://127.0.0.1:1", "");
        List<String> result = new ArrayList<>();
        for (Method m : type.getDeclaredMethods()) {
            if (m.getParameterCount() == 0 && m.getReturnType() == String.class && !Modifier.isStatic(m.getModifiers())
                    && !List.of("origin", "issuerPath", "toString").contains(m.getName())) {
                m.setAccessible(true);
                result.add((String) m.invoke(paths));
            }
        }
        assertThat(result).contains("/oauth/token");
        return result;
    }

    @SuppressWarnings("unchecked")
    private static List<String> grantTypes() throws Exception {
        var field = Class.forName("dev.mcpauth.authserver.GrantTypes").getDeclaredField("ALL");
        field.setAccessible(true);
        return (List<String>) field.get(null);
    }

    private static Map<String, String> testSources() throws Exception {
        Map<String, String> sources = new HashMap<>();
        try (Stream<Path> files = Files.walk(Path.of("src/test/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                sources.put(f.getFileName().toString().replace(".java", ""), Files.readString(f, StandardCharsets.UTF_8));
            }
        }
        return sources;
    }
}
