package dev.mcpauth.config;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * A stdio upstream's program must exist before the gateway starts: otherwise it would retry, forever and with a
 * backoff, something that can never work. A path is checked as given; a bare name is looked up on {@code PATH}, as
 * the child's start will.
 */
final class UpstreamPrograms {

    private UpstreamPrograms() {
    }

    static void check(List<GatewayConfig.UpstreamConfig> upstreams) {
        for (GatewayConfig.UpstreamConfig upstream : upstreams) {
            if (upstream.command() != null && !upstream.command().isEmpty()) {
                check(upstream.name(), upstream.command().get(0));
            }
        }
    }

    private static void check(String name, String program) {
        if (program.contains(File.separator)) {
            Path path = path(name, program);
            if (!Files.exists(path)) {
                throw new ConfigException("upstream " + name + ": program '" + program + "' does not exist; check the path in --upstream / upstreams[].command");
            }
            if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
                throw new ConfigException("upstream " + name + ": '" + program + "' is not an executable file");
            }
            return;
        }
        String searchPath = System.getenv("PATH");
        for (String dir : searchPath == null ? new String[0] : searchPath.split(File.pathSeparator)) {
            Path candidate = dir.isEmpty() ? null : path(name, dir).resolve(program);
            if (candidate != null && Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return;
            }
        }
        throw new ConfigException("upstream " + name + ": program '" + program + "' was not found on PATH; install it or give its full path");
    }

    private static Path path(String name, String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new ConfigException("upstream " + name + ": '" + value + "' is not a valid path");
        }
    }
}
