package dev.mcpauth.cli;

import dev.mcpauth.authserver.StateDatabaseUrl;
import dev.mcpauth.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the embedded authorization server keeps its state when replicas share it: a PostgreSQL database. */
public final class StateDatabaseOptions {
    @Option(names = "--state-db", paramLabel = "JDBC_URL", description = "Embedded AS: keep clients, grants, the signing key and revocations in this PostgreSQL database (jdbc:postgresql://HOST[:PORT]/DATABASE), which several replicas may share; instead of --state-dir. Never put the password in the URL.")
    String url;

    @Option(names = "--state-db-user", paramLabel = "NAME", description = "The PostgreSQL user for --state-db.")
    String user;

    @Option(names = "--state-db-password-file", paramLabel = "FILE", description = "A file whose first line is the PostgreSQL password for --state-db (kept out of the command line and the logs).")
    Path passwordFile;

    /** The database, or null when --state-db is not given. */
    public StateDatabaseUrl toUrl() {
        if (url == null) {
            if (user != null || passwordFile != null) {
                throw new ConfigException("--state-db-user and --state-db-password-file need --state-db");
            }
            return null;
        }
        try {
            return new StateDatabaseUrl(url, user, password());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    private String password() {
        if (passwordFile == null) {
            return null;
        }
        try {
            String text = Files.readString(passwordFile);
            int nl = text.indexOf('\n');
            return (nl < 0 ? text : text.substring(0, nl)).strip();
        } catch (IOException e) {
            throw new ConfigException("--state-db-password-file " + passwordFile + " cannot be read: " + e.getMessage());
        }
    }
}
