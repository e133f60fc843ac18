package dev.mcpauth.authserver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Versioned schema migrations: numbered SQL scripts under {@code db/authserver/}, each applied once in order and
 * recorded in {@code schema_version}. A few plain scripts need no Flyway (about a megabyte, and a database module per
 * engine); replicas starting together take a PostgreSQL advisory lock, so only one of them migrates.
 */
final class SchemaMigrations {
    /** In order; append, never edit one that has shipped. */
    static final List<String> SCRIPTS = List.of("V1__authserver_state.sql");
    private static final long ADVISORY_LOCK = 0x6d63_7061_7574_68L; // "mcpauth"

    private SchemaMigrations() {
    }

    static void apply(Connection c, boolean postgres) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            if (postgres) {
                s.execute("SELECT pg_advisory_xact_lock(" + ADVISORY_LOCK + ")");
            }
            s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, script VARCHAR(200) NOT NULL, applied_at BIGINT NOT NULL)");
            Set<Integer> applied = new HashSet<>();
            try (ResultSet rs = s.executeQuery("SELECT version FROM schema_version")) {
                while (rs.next()) {
                    applied.add(rs.getInt(1));
                }
            }
            for (String script : SCRIPTS) {
                int version = Integer.parseInt(script.substring(1, script.indexOf("__")));
                if (applied.contains(version)) {
                    continue;
                }
                for (String statement : statements(script)) {
                    s.execute(statement);
                }
                try (PreparedStatement p = c.prepareStatement("INSERT INTO schema_version (version, script, applied_at) VALUES (?, ?, ?)")) {
                    p.setInt(1, version);
                    p.setString(2, script);
                    p.setLong(3, System.currentTimeMillis() / 1000);
                    p.executeUpdate();
                }
            }
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** The script's statements: {@code --} comment lines dropped, split at a semicolon that ends a line. */
    static List<String> statements(String script) {
        String text;
        try (InputStream in = SchemaMigrations.class.getResourceAsStream("/db/authserver/" + script)) {
            if (in == null) {
                throw new IllegalStateException("authserver: migration " + script + " is missing from the build");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("authserver: cannot read migration " + script, e);
        }
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                out.add(current.substring(0, current.lastIndexOf(";")).strip());
                current.setLength(0);
            }
        }
        if (!current.isEmpty()) {
            out.add(current.toString().strip());
        }
        return out;
    }
}
