package dev.mcpauth.authserver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First start on a state directory of an earlier version: clients.json and grants.json are copied into the database
 * in one transaction, then renamed to {@code *.imported} (kept, never deleted). Rows already there are left alone, so
 * a crash between the commit and the rename only repeats a harmless import. A corrupt file stops the start, naming it.
 */
final class JsonStateImport {
    private static final Logger LOG = LoggerFactory.getLogger(JsonStateImport.class);

    private JsonStateImport() {
    }

    static void run(StateDatabase db, Path dir, Clock clock) {
        StateFile clientsFile = new StateFile(dir, "clients.json");
        StateFile grantsFile = new StateFile(dir, "grants.json");
        ClientStore.Snapshot clients = clientsFile.read(ClientStore.Snapshot.class);
        GrantStore.Snapshot grants = grantsFile.read(GrantStore.Snapshot.class);
        if (clients == null && grants == null) {
            return;
        }
        long now = clock.instant().getEpochSecond();
        int rows = db.transaction("import the JSON state files", c -> {
            int n = 0;
            if (clients != null && clients.clients() != null) {
                for (RegisteredClient client : clients.clients()) {
                    n += absent(c, "clients", "client_id", client.clientId()) ? ClientStore.insert(c, client) : 0;
                }
            }
            if (grants != null) {
                n += importGrants(c, grants, now);
            }
            return n;
        });
        for (StateFile f : new StateFile[] {clientsFile, grantsFile}) {
            if (f.exists()) {
                try {
                    Files.move(f.path(), f.path().resolveSibling(f.path().getFileName() + ".imported"), StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    throw new IllegalStateException("authserver: imported " + f.path() + " but cannot rename it: " + e.getMessage(), e);
                }
            }
        }
        LOG.info("authserver: imported {} rows from the JSON state files in {} into its database (the files are kept as *.imported)", rows, dir);
    }

    private static int importGrants(Connection c, GrantStore.Snapshot s, long now) throws SQLException {
        int n = 0;
        if (s.grants() != null) {
            for (GrantStore.Grant g : s.grants()) {
                n += absent(c, "grants", "id", g.id()) ? GrantStore.insertGrant(c, g) : 0;
            }
        }
        if (s.refreshTokens() != null) {
            for (GrantStore.RefreshToken r : s.refreshTokens()) {
                if (!absent(c, "refresh_tokens", "hash", r.hash())) {
                    continue;
                }
                try (PreparedStatement p = c.prepareStatement(
                        "INSERT INTO refresh_tokens (hash, grant_id, scope, issued_at, expires_at, rotated_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                    p.setString(1, r.hash());
                    p.setString(2, r.grantId());
                    p.setString(3, r.scope());
                    p.setLong(4, r.issuedAt());
                    p.setLong(5, r.expiresAt());
                    // A token rotated before the import has no known successor: presenting it again is reuse.
                    p.setObject(6, r.rotated() ? (Object) r.issuedAt() : null, java.sql.Types.BIGINT);
                    n += p.executeUpdate();
                }
            }
        }
        if (s.accessTokens() != null) {
            for (GrantStore.IssuedAccessToken a : s.accessTokens()) {
                if (!absent(c, "access_tokens", "jti", a.jti())) {
                    continue;
                }
                try (PreparedStatement p = c.prepareStatement("INSERT INTO access_tokens (jti, grant_id, expires_at, revoked_at) VALUES (?, ?, ?, ?)")) {
                    p.setString(1, a.jti());
                    p.setString(2, a.grantId());
                    p.setLong(3, a.expiresAt());
                    p.setObject(4, a.revoked() ? (Object) now : null, java.sql.Types.BIGINT);
                    n += p.executeUpdate();
                }
            }
        }
        return n;
    }

    private static boolean absent(Connection c, String table, String column, String value) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM " + table + " WHERE " + column + " = ?")) {
            p.setString(1, value);
            try (ResultSet rs = p.executeQuery()) {
                return !rs.next();
            }
        }
    }
}
