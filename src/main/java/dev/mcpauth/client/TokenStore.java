package dev.mcpauth.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Tokens kept between runs of {@code connect}, in one private file (mode 600), keyed by issuer and resource.
 * Written atomically (temp file + rename), so a crash never leaves half a file; a corrupt file is reported.
 */
public final class TokenStore {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final Path file;

    public TokenStore(Path file) {
        this.file = file;
    }

    /** {@code $XDG_CONFIG_HOME/mcp-auth/tokens.json}, else {@code ~/.config/mcp-auth/tokens.json}. */
    public static Path defaultFile() {
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("mcp-auth").resolve("tokens.json");
    }

    public Path file() {
        return file;
    }

    public static String key(String issuer, String resource) {
        return issuer + " " + (resource == null ? "" : resource);
    }

    public synchronized Optional<TokenSet> load(String key) throws IOException {
        Map<String, StoredTokens> all = readAll();
        StoredTokens stored = all.get(key);
        return stored == null ? Optional.empty()
                : Optional.of(new TokenSet(stored.response(), stored.issuer(), stored.clientId(), stored.clientSecret(), stored.obtainedAt()));
    }

    public synchronized void save(String key, TokenSet tokens) throws IOException {
        Map<String, StoredTokens> all = readAll();
        all.put(key, new StoredTokens(tokens.response(), tokens.issuer(), tokens.clientId(), tokens.clientSecret(), tokens.obtainedAtEpochSecond()));
        write(all);
    }

    public synchronized void remove(String key) throws IOException {
        Map<String, StoredTokens> all = readAll();
        if (all.remove(key) != null) {
            write(all);
        }
    }

    private Map<String, StoredTokens> readAll() throws IOException {
        if (!Files.exists(file)) {
            return new LinkedHashMap<>();
        }
        try {
            return JSON.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, StoredTokens>>() { });
        } catch (IOException e) {
            throw new IOException("token file " + file + " is corrupt (" + e.getMessage().lines().findFirst().orElse("") + "); delete it to log in again");
        }
    }

    private void write(Map<String, StoredTokens> all) throws IOException {
        if (!Files.isDirectory(file.getParent())) {
            Files.createDirectories(file.getParent());
            try {
                Files.setPosixFilePermissions(file.getParent(), PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
        }
        Path tmp = Files.createTempFile(file.getParent(), ".tokens", ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system; the directory's protection applies
            }
            JSON.writeValue(tmp.toFile(), all);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The file's shape: one entry per issuer and resource. */
    public record StoredTokens(Map<String, Object> response, String issuer, String clientId, String clientSecret, long obtainedAt) {
    }
}
