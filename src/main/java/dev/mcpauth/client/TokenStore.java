package dev.mcpauth.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Tokens kept between runs of {@code connect}, in one private file (mode 600), keyed by issuer and resource, and the
 * client registration at each issuer, keyed by issuer, so a new login does not register a new client.
 * Written atomically (temp file + rename), so a crash never leaves half a file; a corrupt file is reported.
 * {@link #locked} serializes whole read-refresh-write steps across processes with a lock file beside the store.
 */
public final class TokenStore {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    // FileChannel.lock is held per JVM, not per thread (OverlappingFileLockException): threads queue here first.
    private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();
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

    /** A step that must not interleave with another process's (a refresh that rotates the refresh token). */
    public interface Step<T> {
        T run() throws IOException, InterruptedException;
    }

    /**
     * Runs {@code step} holding {@code <store>.lock} (an OS file lock, so other processes on this store wait), after
     * every other thread of this process using the same file. The step should re-read the store first.
     */
    public <T> T locked(Step<T> step) throws IOException, InterruptedException {
        ensureDirectory();
        Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
        ReentrantLock inProcess = IN_PROCESS.computeIfAbsent(lockFile.toAbsolutePath().normalize(), p -> new ReentrantLock());
        inProcess.lockInterruptibly();
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            restrict(lockFile);
            return step.run();
        } finally {
            inProcess.unlock();
        }
    }

    public synchronized Optional<TokenSet> load(String key) throws IOException {
        StoredTokens stored = readAll().tokens().get(key);
        return stored == null ? Optional.empty()
                : Optional.of(new TokenSet(stored.response(), stored.issuer(), stored.client(), stored.obtainedAt()));
    }

    public synchronized void save(String key, TokenSet tokens) throws IOException {
        Contents all = readAll();
        all.tokens().put(key, new StoredTokens(tokens.response(), tokens.issuer(), tokens.client(), tokens.obtainedAtEpochSecond()));
        all.clients().put(tokens.issuer(), tokens.client());
        write(all);
    }

    public synchronized void remove(String key) throws IOException {
        Contents all = readAll();
        if (all.tokens().remove(key) != null) {
            write(all);
        }
    }

    /** The client registered at {@code issuer} by an earlier login, if any. */
    public synchronized Optional<ClientRegistration> client(String issuer) throws IOException {
        return Optional.ofNullable(readAll().clients().get(issuer));
    }

    private Contents readAll() throws IOException {
        if (!Files.exists(file)) {
            return new Contents(new LinkedHashMap<>(), new LinkedHashMap<>());
        }
        try {
            Contents read = JSON.readValue(file.toFile(), Contents.class);
            return new Contents(read.tokens() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(read.tokens()),
                    read.clients() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(read.clients()));
        } catch (IOException e) {
            throw new IOException("token file " + file + " is corrupt (" + e.getMessage().lines().findFirst().orElse("") + "); delete it to log in again");
        }
    }

    private void ensureDirectory() throws IOException {
        if (!Files.isDirectory(file.getParent())) {
            Files.createDirectories(file.getParent());
            try {
                Files.setPosixFilePermissions(file.getParent(), PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
        }
    }

    private static void restrict(Path path) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system; the directory's protection applies
        }
    }

    private void write(Contents all) throws IOException {
        ensureDirectory();
        Path tmp = Files.createTempFile(file.getParent(), ".tokens", ".tmp");
        try {
            restrict(tmp);
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

    /** The file's shape: tokens per issuer and resource, the client registration per issuer. */
    public record Contents(Map<String, StoredTokens> tokens, Map<String, ClientRegistration> clients) {
    }

    /** One entry of {@code tokens}. */
    public record StoredTokens(Map<String, Object> response, String issuer, ClientRegistration client, long obtainedAt) {
    }
}
