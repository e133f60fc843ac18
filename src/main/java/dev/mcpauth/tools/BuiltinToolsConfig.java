package dev.mcpauth.tools;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the built-in tools.
 *
 * @param filesRoot        the directory {@code list_files} is confined to and {@code execute_command} runs in
 * @param commandAllowlist programs {@code execute_command} may run and the arguments each accepts; empty leaves the tool out
 * @param commandTimeout   how long a command may run before its process tree is killed
 * @param outputCapBytes   the most bytes kept of a command's stdout, and separately of its stderr
 */
public record BuiltinToolsConfig(Path filesRoot, CommandAllowlist commandAllowlist, Duration commandTimeout, int outputCapBytes) {

    public BuiltinToolsConfig {
        Objects.requireNonNull(filesRoot, "filesRoot");
        Objects.requireNonNull(commandAllowlist, "commandAllowlist");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        if (commandTimeout.isNegative() || commandTimeout.isZero()) {
            throw new IllegalArgumentException("command timeout must be positive, got " + commandTimeout);
        }
        if (outputCapBytes < 1) {
            throw new IllegalArgumentException("command output cap must be at least 1 byte, got " + outputCapBytes);
        }
    }

    /** The defaults: {@link CommandAllowlist#defaults()}, a 30 s timeout and a 64 KiB output cap. */
    public static BuiltinToolsConfig defaults(Path filesRoot) {
        return new BuiltinToolsConfig(filesRoot, CommandAllowlist.defaults(), CommandTools.DEFAULT_TIMEOUT,
                CommandTools.DEFAULT_OUTPUT_CAP_BYTES);
    }
}
