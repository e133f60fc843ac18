package dev.mcpauth.cli;

import dev.mcpauth.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** A file an option names (--secret-file, --token-file), read with an error that names the option and the cause. */
final class OptionFile {

    private OptionFile() {
    }

    static String read(String option, Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(option + " " + file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new ConfigException(option + " " + file + ": permission denied");
        } catch (IOException e) {
            throw new ConfigException(option + " " + file + " cannot be read"
                    + (Files.isDirectory(file) ? ": it is a directory" : " (" + e.getClass().getSimpleName() + ")"));
        }
    }
}
