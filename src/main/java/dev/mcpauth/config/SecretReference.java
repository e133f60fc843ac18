package dev.mcpauth.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A secret named in {@code mcp-auth.yaml} by reference, never written there: {@code env:NAME} (an environment
 * variable, or a line of {@code .env}) or {@code file:PATH} (the file's content, trailing newline ignored; a relative
 * path is relative to the config file's directory). The value is never logged or put in an error message.
 */
public final class SecretReference {

    private SecretReference() {
    }

    /**
     * @param where   the key, for messages ({@code issuers[0].introspection.client-secret})
     * @param value   the reference as written
     * @throws ConfigException naming the key when the reference is malformed or leads nowhere
     */
    public static String resolve(String where, String value, ConfigSources sources) {
        if (value != null && value.startsWith("env:") && value.length() > 4) {
            String name = value.substring(4);
            String secret = sources.variable(name).orElseThrow(() ->
                    new ConfigException(where + " names the environment variable " + name + ", which is not set"));
            return nonEmpty(where, secret);
        }
        if (value != null && value.startsWith("file:") && value.length() > 5) {
            Path path = Path.of(value.substring(5));
            if (!path.isAbsolute()) {
                path = sources.configPath().map(Path::toAbsolutePath).map(Path::getParent).orElse(Path.of("")).resolve(path);
            }
            try {
                return nonEmpty(where, Files.readString(path, StandardCharsets.UTF_8).strip());
            } catch (IOException e) {
                throw new ConfigException(where + " names the file " + path + ", which cannot be read");
            }
        }
        throw new ConfigException(where + " must be a reference to the secret, env:NAME or file:PATH, so that the secret itself"
                + " is not written in the config file");
    }

    private static String nonEmpty(String where, String secret) {
        if (secret.isEmpty()) {
            throw new ConfigException(where + " refers to an empty secret");
        }
        return secret;
    }
}
