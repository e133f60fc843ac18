package dev.mcpauth.config;

/** A configuration that cannot work; the message names the setting and what to do. Shown as one line. */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message, null, false, false);
    }
}
