package dev.mcpauth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpauth.authserver.StateDatabaseUrl;
import dev.mcpauth.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** --state-db takes a PostgreSQL URL without a password; the password comes only from its file. */
class StateDatabaseOptionsTest {
    @TempDir
    Path dir;

    private static StateDatabaseOptions parse(String... args) {
        StateDatabaseOptions options = new StateDatabaseOptions();
        new CommandLine(options).parseArgs(args);
        return options;
    }

    @Test
    void aUrlWithAPasswordOrAnotherDatabaseIsRefusedAndThePasswordComesFromItsFile() throws Exception {
        assertThatThrownBy(() -> parse("--state-db", "jdbc:postgresql://db/mcp?user=a&password=hunter2").toUrl())
                .isInstanceOf(ConfigException.class).hasMessageContaining("--state-db-password-file").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> parse("--state-db", "jdbc:mysql://db/mcp").toUrl())
                .isInstanceOf(ConfigException.class).hasMessageContaining("jdbc:postgresql://");
        assertThatThrownBy(() -> parse("--state-db-user", "mcp").toUrl())
                .isInstanceOf(ConfigException.class).hasMessageContaining("need --state-db");

        Path file = dir.resolve("pw");
        Files.writeString(file, "s3cret-pw\n");
        StateDatabaseUrl url = parse("--state-db", "jdbc:postgresql://db:5432/mcp", "--state-db-user", "mcp",
                "--state-db-password-file", file.toString()).toUrl();
        assertThat(url.password()).isEqualTo("s3cret-pw");
        assertThat(url.user()).isEqualTo("mcp");
        assertThat(url.toString()).doesNotContain("s3cret-pw");
        assertThat(parse().toUrl()).isNull();
    }
}
