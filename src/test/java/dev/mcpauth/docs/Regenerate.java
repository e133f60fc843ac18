package dev.mcpauth.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Rewrites man/, completions/ and README.md's configuration block from the picocli model ({@code dist/regenerate-docs}). */
public final class Regenerate {

    private Regenerate() {
    }

    public static void main(String[] args) throws IOException {
        Path root = args.length > 0 ? Path.of(args[0]) : Docs.root();
        Path man = root.resolve("man");
        Files.createDirectories(man);
        Map<String, String> pages = Docs.manPages();
        try (var old = Files.list(man)) {
            for (Path stale : old.filter(p -> p.toString().endsWith(".1") && !pages.containsKey(p.getFileName().toString())).toList()) {
                Files.delete(stale);
            }
        }
        for (var page : pages.entrySet()) {
            write(man.resolve(page.getKey()), page.getValue());
        }
        Path completions = root.resolve("completions");
        Files.createDirectories(completions);
        write(completions.resolve("mcp-auth.bash"), Docs.bashCompletion());
        write(completions.resolve("_mcp-auth"), Docs.zshCompletion());
        Path readme = root.resolve("README.md");
        String updated = Files.isRegularFile(readme) ? Docs.readmeWithConfigReference(Docs.read(readme)) : null;
        if (updated != null) {
            write(readme, updated);
        } else {
            System.err.println("README.md has no " + Docs.BEGIN_CONFIG + " ... " + Docs.END_CONFIG
                    + " block: configuration reference not written");
        }
        System.err.println("regenerated " + pages.size() + " man pages, 2 completion scripts" + (updated != null ? " and README.md's configuration reference" : ""));
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
