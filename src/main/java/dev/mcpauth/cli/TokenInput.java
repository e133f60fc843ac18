package dev.mcpauth.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A token given on the command line: the token itself, {@code @FILE}, a path to a file, or {@code -} for stdin. */
final class TokenInput {

    private TokenInput() {
    }

    static String read(String arg, InputStream stdin) {
        try {
            String raw;
            if ("-".equals(arg)) {
                raw = new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
            } else if (arg.startsWith("@")) {
                raw = Files.readString(Path.of(arg.substring(1)), StandardCharsets.UTF_8);
            } else if (isFile(arg)) {
                raw = Files.readString(Path.of(arg), StandardCharsets.UTF_8);
            } else {
                raw = arg;
            }
            String token = raw.strip();
            if (token.regionMatches(true, 0, "Bearer ", 0, 7)) {
                token = token.substring(7).strip();
            }
            if (token.isEmpty()) {
                throw new CliFailure("no token given", Main.EXIT_USAGE);
            }
            return token;
        } catch (IOException | java.nio.file.InvalidPathException e) {
            throw new CliFailure("cannot read token from " + arg + ": " + e.getMessage(), Main.EXIT_USAGE);
        }
    }

    private static boolean isFile(String arg) {
        try {
            return arg.length() < 4096 && Files.isRegularFile(Path.of(arg));
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }
}
