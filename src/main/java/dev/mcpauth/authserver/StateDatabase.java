package dev.mcpauth.authserver;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.h2.api.ErrorCode;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The authorization server's state database. H2 for {@code --state-dir} (a file there) and for no state at all (in
 * memory): pure Java, one jar and no native library, where SQLite through JDBC ships a native library per platform
 * and allows one writer at a time. PostgreSQL for {@code --state-db}, which several replicas share. The same SQL runs
 * on both (H2 in its PostgreSQL mode). Every failure surfaces as {@link StorageUnavailable}.
 */
final class StateDatabase implements AutoCloseable {
    /** One unit of work on a connection. */
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private volatile DataSource pool;
    /** The H2 URL to open a fresh pool on after H2 closed the database under the old one; null for PostgreSQL. */
    private final String reopenUrl;
    /** An H2 file: every commit is written to the file before it returns (see {@link #transaction}). */
    private final boolean writeEachCommit;
    private final boolean shared;
    private final String description;

    private StateDatabase(DataSource pool, String reopenUrl, boolean writeEachCommit, boolean shared, String description) {
        this.pool = pool;
        this.reopenUrl = reopenUrl;
        this.writeEachCommit = writeEachCommit;
        this.shared = shared;
        this.description = description;
    }

    static StateDatabase open(AuthServerConfig config) {
        StateDatabase db;
        if (config.stateDatabase() != null) {
            db = postgres(config.stateDatabase());
        } else if (config.stateDirectory() != null) {
            Path dir = ownerOnlyDirectory(config.stateDirectory());
            db = h2("jdbc:h2:file:" + dir.toAbsolutePath().resolve("authserver") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;RETENTION_TIME=0", dir.toString(), true);
        } else {
            db = h2("jdbc:h2:mem:authserver-" + Secrets.newHandle() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1", "memory", false);
        }
        try (Connection c = db.pool.getConnection()) {
            SchemaMigrations.apply(c, db.shared);
        } catch (SQLException e) {
            db.close();
            throw new IllegalStateException("authserver: cannot open the state database " + db.description + ": " + e.getMessage(), e);
        }
        if (config.stateDirectory() != null) {
            ownerOnlyFiles(config.stateDirectory());
        }
        return db;
    }

    private static StateDatabase h2(String url, String description, boolean onFile) {
        return new StateDatabase(JdbcConnectionPool.create(url, "sa", ""), onFile ? url : null, onFile, false, description);
    }

    private static StateDatabase postgres(StateDatabaseUrl url) {
        HikariConfig h = new HikariConfig();
        h.setJdbcUrl(url.url());
        h.setUsername(url.user());
        h.setPassword(url.password());
        h.setPoolName("authserver-state");
        h.setMaximumPoolSize(8);
        h.setMinimumIdle(1);
        // A request waits at most this long for the database before it is told 503 and to retry.
        h.setConnectionTimeout(3_000);
        h.setValidationTimeout(1_000);
        // Started even while PostgreSQL is down; the migration below then names the problem.
        h.setInitializationFailTimeout(-1);
        h.addDataSourceProperty("connectTimeout", "3");
        h.addDataSourceProperty("socketTimeout", "30");
        return new StateDatabase(new HikariDataSource(h), null, false, true, url.toString());
    }

    /** True when other processes write this database too (PostgreSQL): in-memory views must be refreshed from it. */
    boolean shared() {
        return shared;
    }

    String description() {
        return description;
    }

    /**
     * Runs {@code work} in one transaction: all of it is stored, or none of it. On an H2 file, the commit is in the
     * file (the operating system's cache of it) when this returns: H2 writes commits in the background every 500 ms,
     * so a {@code kill -9} lost refreshes that had been answered, and their clients held tokens the restarted server
     * had never heard of (issue 19 item 4, RefreshAcrossKillTest). {@code CHECKPOINT} writes them now; H2's
     * {@code WRITE_DELAY=0} would too, but it also stops the background thread that compacts the file, which then
     * grew by 4.7 GB in a 10-minute refresh soak. Each commit is a new chunk of the file, so {@code RETENTION_TIME=0}
     * (see {@link #open}) lets H2 reuse dead chunks at once instead of after 45 s: 1.6 GB after 90 s of refreshes
     * without it, 36 MB after 60 s with it (bench/refresh-soak.py). No fsync: a process crash loses nothing, a power
     * cut may lose the last commits (H2's retention time guards against exactly that; run PostgreSQL,
     * {@code --state-db}, where it matters).
     */
    <T> T transaction(String what, Work<T> work) {
        return recovering(what, p -> inTransaction(p, work));
    }

    private <T> T inTransaction(DataSource pool, Work<T> work) throws SQLException {
        try (Connection c = connection(pool)) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                if (writeEachCommit) {
                    try (Statement s = c.createStatement()) {
                        s.execute("CHECKPOINT");
                    }
                }
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            } finally {
                resetQuietly(c);
            }
        }
    }

    /** Runs a read (or a single statement) outside an explicit transaction. */
    <T> T read(String what, Work<T> work) {
        return recovering(what, p -> {
            try (Connection c = connection(p)) {
                return work.run(c);
            }
        });
    }

    private interface OnPool<T> {
        T run(DataSource pool) throws SQLException;
    }

    /**
     * H2 closes its database when a write fails (a full disk: "Writing to ... failed", then "The database has been
     * closed" from every pooled connection, even once space is free again). Such a connection has done nothing, so
     * the work runs once more on a fresh pool, which opens the database again from its file: the first request after
     * the disk has room succeeds, without a restart (StateDirectoryFullDiskTest). Any other failure is a 503 at once.
     */
    private <T> T recovering(String what, OnPool<T> work) {
        DataSource used = pool;
        try {
            return work.run(used);
        } catch (SQLException e) {
            if (reopenUrl == null || e.getErrorCode() != ErrorCode.DATABASE_IS_CLOSED) {
                throw new StorageUnavailable(what, e);
            }
            reopen(used);
            try {
                return work.run(pool);
            } catch (SQLException again) {
                throw new StorageUnavailable(what, again);
            }
        }
    }

    private synchronized void reopen(DataSource closed) {
        if (pool == closed) {
            pool = JdbcConnectionPool.create(reopenUrl, "sa", "");
            ((JdbcConnectionPool) closed).dispose();
        }
    }

    private static Connection connection(DataSource pool) throws SQLException {
        try {
            return pool.getConnection();
        } catch (IllegalStateException disposed) {
            // Another thread reopened the pool (above) between this one reading it and asking it for a connection.
            throw new SQLException("the connection pool was reopened", "08003", ErrorCode.DATABASE_IS_CLOSED, disposed);
        }
    }

    /**
     * The named secret, created by {@code generate} on first use. Replicas racing to create it converge on the one
     * that was stored first.
     */
    String secret(String name, Supplier<String> generate) {
        String existing = read("read " + name, c -> findSecret(c, name));
        if (existing != null) {
            return existing;
        }
        try {
            transaction("store " + name, c -> {
                try (PreparedStatement p = c.prepareStatement("INSERT INTO server_secrets (name, secret) VALUES (?, ?)")) {
                    p.setString(1, name);
                    p.setString(2, generate.get());
                    return p.executeUpdate();
                }
            });
        } catch (StorageUnavailable e) {
            // Most likely another replica stored it first (a duplicate key); the read below decides.
        }
        String stored = read("read " + name, c -> findSecret(c, name));
        if (stored == null) {
            throw new StorageUnavailable("store " + name, null);
        }
        return stored;
    }

    private static String findSecret(Connection c, String name) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT secret FROM server_secrets WHERE name = ?")) {
            p.setString(1, name);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    @Override
    public void close() {
        if (pool instanceof HikariDataSource h) {
            h.close();
        } else if (pool instanceof JdbcConnectionPool h2) {
            try (Connection c = h2.getConnection(); Statement s = c.createStatement()) {
                // In memory: the database goes; on file: it is closed cleanly and its lock released.
                s.execute("SHUTDOWN");
            } catch (SQLException ignored) {
                // Already closed.
            }
            h2.dispose();
        }
    }

    private static Path ownerOnlyDirectory(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectories(dir);
                }
            }
            return dir;
        } catch (IOException e) {
            throw new IllegalStateException("authserver: cannot create the state directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The database file holds client-secret hashes: owner-only, like the directory. */
    private static void ownerOnlyFiles(Path dir) {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("authserver.")).toList()) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
            }
        } catch (IOException e) {
            throw new IllegalStateException("authserver: cannot make the state database in " + dir + " owner-only: " + e.getMessage(), e);
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // The connection is broken; the pool discards it.
        }
    }

    private static void resetQuietly(Connection c) {
        try {
            c.setAutoCommit(true);
        } catch (SQLException ignored) {
            // As above.
        }
    }
}
