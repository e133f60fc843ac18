package dev.mcpauth.tools;

import static dev.mcpauth.tools.Schemas.props;

import dev.mcpauth.mcp.CatalogTool;
import dev.mcpauth.mcp.ToolCall;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code list_files}: lists one directory below a configured root and nothing outside it. A path is refused if it
 * is absolute, if {@code ..} leaves the root, or if a symbolic link on the way resolves outside the root
 * (checked on the real path, after the OS resolved every link). The checked directory is then opened from the root
 * without following links ({@link ConfinedDirectory}), so one swapped for a link after the check is refused.
 */
public final class FileTools {

    public static final String LIST_FILES = "list_files";
    public static final int DEFAULT_MAX_ENTRIES = 1000;
    /** Longer than any real relative path (Linux PATH_MAX is 4096 bytes). */
    public static final int MAX_PATH_LENGTH = 4096;

    private static final Set<String> ARGUMENTS = Set.of("path");

    private final Path root;
    private final int maxEntries;

    /** @param root the directory the tool may list; it must exist (its real path becomes the boundary) */
    public FileTools(Path root) {
        this(root, DEFAULT_MAX_ENTRIES);
    }

    public FileTools(Path root, int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("list_files entry cap must be at least 1, got " + maxEntries);
        }
        this.root = realDirectory(root);
        this.maxEntries = maxEntries;
    }

    /** The real path of the root every listing is confined to. */
    public Path root() {
        return root;
    }

    public List<CatalogTool> tools() {
        return List.of(listFiles());
    }

    public CatalogTool listFiles() {
        McpSchema.Tool tool = McpSchema.Tool.builder()
                .name(LIST_FILES)
                .title("List files")
                .description("Lists a directory inside the server's files root: name, type (file, directory, symlink, other), "
                        + "size in bytes and modification time of each entry, sorted by name, at most " + maxEntries + " entries.")
                .inputSchema(Schemas.object(props("path", Schemas.type("string",
                        "Directory relative to the files root; default \".\" (the root itself). Absolute paths and paths leaving the root are refused.")),
                        List.of()))
                .outputSchema(outputSchema())
                .annotations(McpSchema.ToolAnnotations.builder().title("List files").readOnlyHint(true)
                        .destructiveHint(false).idempotentHint(true).openWorldHint(false).build())
                .build();
        return new CatalogTool(tool, Results.guarded(this::list));
    }

    private CallToolResult list(ToolCall call) throws BadArgument, IOException {
        String requested = Arguments.of(call.arguments(), ARGUMENTS).optionalString("path").orElse(".");
        Path directory = resolveInsideRoot(requested);
        TreeSet<String> names = new TreeSet<>();
        int total = 0;
        List<Map<String, Object>> entries = new ArrayList<>();
        try (ConfinedDirectory confined = ConfinedDirectory.open(root, directory)) {
            for (Path entry : confined.stream()) {
                total++;
                names.add(entry.getFileName().toString());
                if (names.size() > maxEntries) {
                    names.pollLast(); // keep only the first maxEntries names in sorted order, in bounded memory
                }
            }
            for (String name : names) {
                describe(confined, name).ifPresent(entries::add);
            }
        } catch (AccessDeniedException e) {
            throw new BadArgument("path '" + requested + "' cannot be read: permission denied");
        } catch (FileSystemException e) {
            // A directory on the way was replaced (by a link, say) after the checks: refuse rather than follow it.
            throw new BadArgument("path '" + requested + "' changed while it was being listed; try again");
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("path", display(directory));
        result.put("entries", entries);
        result.put("total_entries", total);
        result.put("truncated", total > names.size());
        if (total > names.size()) {
            result.put("note", "showing the first " + names.size() + " of " + total + " entries (sorted by name)");
        }
        return Results.structured(result);
    }

    /**
     * The real directory {@code requested} names, if it is inside the root. Lexical checks come first (so {@code ..}
     * is refused even where it would land inside again through a link), then the real path is checked, which
     * catches symbolic links pointing outside.
     */
    Path resolveInsideRoot(String requested) throws BadArgument {
        if (requested.isEmpty()) {
            requested = ".";
        }
        if (requested.length() > MAX_PATH_LENGTH) {
            throw new BadArgument("argument 'path' is " + requested.length() + " characters; at most " + MAX_PATH_LENGTH + " are allowed");
        }
        if (requested.indexOf('\0') >= 0) {
            throw new BadArgument("argument 'path' must not contain a NUL character");
        }
        Path relative;
        try {
            relative = Path.of(requested);
        } catch (InvalidPathException e) {
            throw new BadArgument("argument 'path' is not a valid path: " + e.getReason());
        }
        if (relative.isAbsolute() || requested.startsWith("/") || requested.startsWith("\\")) {
            throw new BadArgument("path '" + requested + "' is absolute; give a path relative to the files root");
        }
        Path candidate = root.resolve(relative).normalize();
        if (!candidate.startsWith(root)) {
            throw new BadArgument("path '" + requested + "' leaves the files root through '..'");
        }
        Path real;
        try {
            real = candidate.toRealPath();
        } catch (NoSuchFileException e) {
            throw new BadArgument("path '" + requested + "' does not exist");
        } catch (FileSystemException e) {
            // the OS's reason (a link loop, a name too long), never a Java type name
            throw new BadArgument("path '" + requested + "' cannot be resolved: " + (e.getReason() == null ? "unknown reason" : e.getReason()));
        } catch (IOException e) {
            throw new BadArgument("path '" + requested + "' cannot be resolved");
        }
        if (!real.startsWith(root)) {
            throw new BadArgument("path '" + requested + "' resolves through a symbolic link to outside the files root");
        }
        if (!Files.isDirectory(real)) {
            throw new BadArgument("path '" + requested + "' is not a directory");
        }
        return real;
    }

    /** One entry, described without following links (a link is reported as a symlink, never as its target). */
    private static Optional<Map<String, Object>> describe(ConfinedDirectory directory, String name) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = directory.attributes(name);
        } catch (NoSuchFileException e) {
            return Optional.empty(); // removed while we were listing
        }
        Map<String, Object> described = new LinkedHashMap<>();
        described.put("name", name);
        described.put("type", type(attributes));
        described.put("size", attributes.size());
        described.put("mtime", attributes.lastModifiedTime().toInstant().toString());
        return Optional.of(described);
    }

    private static String type(BasicFileAttributes attributes) {
        if (attributes.isSymbolicLink()) {
            return "symlink";
        }
        if (attributes.isDirectory()) {
            return "directory";
        }
        return attributes.isRegularFile() ? "file" : "other";
    }

    /** A listed directory as the caller sees it: relative to the root, with forward slashes. */
    private String display(Path directory) {
        String relative = root.relativize(directory).toString().replace('\\', '/');
        return relative.isEmpty() ? "." : relative;
    }

    private static Path realDirectory(Path root) {
        try {
            Path real = root.toRealPath();
            if (!Files.isDirectory(real)) {
                throw new IllegalArgumentException("files root " + root + " is not a directory");
            }
            return real;
        } catch (IOException e) {
            throw new IllegalArgumentException("files root " + root + " does not exist or cannot be read (" + dev.mcpauth.http.Failures.describe(e) + ")");
        }
    }

    private static Map<String, Object> outputSchema() {
        Map<String, Object> entry = Schemas.object(props(
                "name", Schemas.type("string", "Entry name"),
                "type", Map.of("type", "string", "enum", List.of("file", "directory", "symlink", "other")),
                "size", Schemas.type("integer", "Size in bytes (of the link itself for a symlink)"),
                "mtime", Schemas.type("string", "Last modification time, ISO-8601")),
                List.of("name", "type", "size", "mtime"));
        return Schemas.object(props(
                "path", Schemas.type("string", "The listed directory, relative to the files root"),
                "entries", Schemas.arrayOf(entry, "Entries sorted by name"),
                "total_entries", Schemas.type("integer", "How many entries the directory has"),
                "truncated", Schemas.type("boolean", "Whether entries were left out because of the cap"),
                "note", Schemas.type("string", "Present when truncated: what was left out")),
                List.of("path", "entries", "total_entries", "truncated"));
    }
}
