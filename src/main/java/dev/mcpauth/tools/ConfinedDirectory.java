package dev.mcpauth.tools;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A directory below the files root, opened from the root one component at a time without following links
 * ({@code openat(O_NOFOLLOW)} through {@link SecureDirectoryStream}). The caller checked the real path first, so it
 * has no links on the way; opening it this way means a directory swapped for a link after that check is refused
 * instead of followed outside the root, and entries are read relative to the opened directory, not by path again.
 * Where the platform has no secure directory streams it falls back to opening the checked real path.
 */
final class ConfinedDirectory implements AutoCloseable {

    private final DirectoryStream<Path> stream;
    private final Path fallbackPath;

    private ConfinedDirectory(DirectoryStream<Path> stream, Path fallbackPath) {
        this.stream = stream;
        this.fallbackPath = fallbackPath;
    }

    /** @param directory a real path inside {@code root} (both already resolved by {@code toRealPath}) */
    static ConfinedDirectory open(Path root, Path directory) throws IOException {
        DirectoryStream<Path> current = Files.newDirectoryStream(root);
        if (!(current instanceof SecureDirectoryStream<Path> secure)) {
            current.close();
            return new ConfinedDirectory(Files.newDirectoryStream(directory), directory);
        }
        try {
            for (Path name : root.relativize(directory)) {
                if (name.toString().isEmpty()) {
                    continue; // the root itself
                }
                SecureDirectoryStream<Path> next = secure.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
                secure.close();
                secure = next;
            }
        } catch (IOException | RuntimeException e) {
            secure.close();
            throw e;
        }
        return new ConfinedDirectory(secure, null);
    }

    DirectoryStream<Path> stream() {
        return stream;
    }

    /** The attributes of the entry {@code name} itself (a link is not followed). */
    BasicFileAttributes attributes(String name) throws IOException {
        if (stream instanceof SecureDirectoryStream<Path> secure) {
            return secure.getFileAttributeView(Path.of(name), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes();
        }
        return Files.readAttributes(fallbackPath.resolve(name), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }
}
