package dev.mcpauth.authserver;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Registered clients by client_id: pre-configured ones from the config (in memory, never stored), dynamic ones
 * (RFC 7591) in the {@link StateDatabase}, so every replica knows a client registered at any of them.
 */
public final class ClientStore {
    /** The shape of the clients.json of earlier versions, read once to import it. */
    record Snapshot(List<RegisteredClient> clients) {
    }

    private final Map<String, RegisteredClient> preconfigured = new LinkedHashMap<>();
    private final StateDatabase db;
    private final ClientMetadataDocuments documents;

    ClientStore(AuthServerConfig config, StateDatabase db) {
        this.db = db;
        this.documents = new ClientMetadataDocuments(config);
        long now = config.clock().instant().getEpochSecond();
        for (AuthServerConfig.PreconfiguredClient p : config.preconfiguredClients()) {
            // The scopes the operator granted, and no others ("" is none): a client the operator gave no scopes is
            // an introspection caller only and gets no client_credentials grant at all.
            List<String> grantTypes = p.scopes().isEmpty()
                    ? p.grantTypes().stream().filter(g -> !g.equals(GrantTypes.CLIENT_CREDENTIALS)).toList() : p.grantTypes();
            preconfigured.put(p.clientId(), new RegisteredClient(p.clientId(), Secrets.hash(p.clientSecret()), now, p.clientId(),
                    List.of(), RegisteredClient.CLIENT_SECRET_BASIC, grantTypes, List.of(), "web", Scopes.format(p.scopes()), Map.of()));
        }
    }

    /**
     * The client {@code clientId} names: an operator-configured one, a client ID metadata document's (an https URL,
     * fetched outside any lock), else a registered one; null when there is none.
     */
    RegisteredClient lookup(String clientId) throws OAuthError {
        if (!isOperatorConfigured(clientId) && ClientMetadataDocuments.isDocumentUrl(clientId)) {
            return documents.resolve(clientId);
        }
        return find(clientId);
    }

    /** The client, or null. Pre-configured clients win over a stored registration with the same id. */
    public RegisteredClient find(String clientId) {
        if (clientId == null) {
            return null;
        }
        RegisteredClient p = preconfigured.get(clientId);
        return p != null ? p : db.read("read a client", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT registration FROM clients WHERE client_id = ?")) {
                s.setString(1, clientId);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? parse(rs.getString(1)) : null;
                }
            }
        });
    }

    /**
     * Configured by the operator ({@code --client}), not registered by whoever asked: the only clients that may use
     * client_credentials and introspection. A stored registration never counts, whatever it says.
     */
    boolean isOperatorConfigured(String clientId) {
        return clientId != null && preconfigured.containsKey(clientId);
    }

    void add(RegisteredClient client) {
        db.transaction("store a client registration", c -> insert(c, client));
    }

    static int insert(Connection c, RegisteredClient client) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO clients (client_id, registration, created_at) VALUES (?, ?, ?)")) {
            s.setString(1, client.clientId());
            try {
                s.setString(2, StateFile.MAPPER.writeValueAsString(client));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("authserver: client " + client.clientId() + " cannot be written as JSON", e);
            }
            s.setLong(3, client.clientIdIssuedAt());
            return s.executeUpdate();
        }
    }

    private static RegisteredClient parse(String json) throws SQLException {
        try {
            return StateFile.MAPPER.readValue(json, RegisteredClient.class);
        } catch (JsonProcessingException e) {
            throw new SQLException("a stored client registration is not valid JSON", e);
        }
    }
}
