package dev.mcpauth.authserver;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * One JSON file of persisted AS state. Writes are atomic (temp file in the same directory, then ATOMIC_MOVE)
 * so a crash never leaves half a file, and owner-only (0600) because the files hold client-secret hashes and keys.
 * A file that cannot be read is an error naming the file, never silently replaced with empty state.
 */
final class StateFile {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final Path file;

    StateFile(Path directory, String name) {
        this.file = directory.resolve(name);
    }

    Path path() {
        return file;
    }

    boolean exists() {
        return Files.exists(file);
    }

    /** The file's content, or null when it does not exist yet. */
    <T> T read(Class<T> type) {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            T value = MAPPER.readValue(file.toFile(), type);
            if (value == null) {
                throw new IllegalStateException("authserver: state file " + file + " is empty; restore it from a backup or delete it to start over");
            }
            return value;
        } catch (IOException e) {
            throw new IllegalStateException("authserver: state file " + file + " is corrupt (" + firstLine(e.getMessage())
                    + "); restore it from a backup or delete it to start over", e);
        }
    }

    synchronized void write(Object value) {
        try {
            Path dir = file.getParent();
            createDirectory(dir);
            Path tmp = POSIX
                    ? Files.createTempFile(dir, file.getFileName() + ".", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                    : Files.createTempFile(dir, file.getFileName() + ".", ".tmp");
            try {
                Files.write(tmp, MAPPER.writeValueAsBytes(value));
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    throw new IllegalStateException("authserver: the state directory " + dir + " does not support atomic renames; choose a local directory", e);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("authserver: could not write state file " + file, e);
        }
    }

    private static void createDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (POSIX) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(dir);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
