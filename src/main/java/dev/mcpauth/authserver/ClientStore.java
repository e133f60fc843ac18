package dev.mcpauth.authserver;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Registered clients by client_id: pre-configured ones from the config, dynamic ones (RFC 7591) added at run time. */
public final class ClientStore {
    /** The persisted shape of clients.json. */
    record Snapshot(List<RegisteredClient> clients) {
    }

    private final Map<String, RegisteredClient> clients = new LinkedHashMap<>();
    private final Map<String, RegisteredClient> preconfigured = new LinkedHashMap<>();
    private final StateFile file;
    private final ClientMetadataDocuments documents;

    ClientStore(AuthServerConfig config) {
        this.documents = new ClientMetadataDocuments(config);
        this.file = config.stateDirectory() == null ? null : new StateFile(config.stateDirectory(), "clients.json");
        if (file != null) {
            Snapshot snapshot = file.read(Snapshot.class);
            if (snapshot != null && snapshot.clients() != null) {
                snapshot.clients().forEach(c -> clients.put(c.clientId(), c));
            }
        }
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
     * fetched outside this store's lock), else a registered one; null when there is none.
     */
    RegisteredClient lookup(String clientId) throws OAuthError {
        if (!isOperatorConfigured(clientId) && ClientMetadataDocuments.isDocumentUrl(clientId)) {
            return documents.resolve(clientId);
        }
        return find(clientId);
    }

    /** The client, or null. Pre-configured clients win over a persisted registration with the same id. */
    public synchronized RegisteredClient find(String clientId) {
        if (clientId == null) {
            return null;
        }
        RegisteredClient p = preconfigured.get(clientId);
        return p != null ? p : clients.get(clientId);
    }

    /**
     * Configured by the operator ({@code --client}), not registered by whoever asked: the only clients that may use
     * client_credentials and introspection. A registration in a state file never counts, whatever it says.
     */
    synchronized boolean isOperatorConfigured(String clientId) {
        return clientId != null && preconfigured.containsKey(clientId);
    }

    synchronized void add(RegisteredClient client) {
        clients.put(client.clientId(), client);
        if (file != null) {
            file.write(new Snapshot(new ArrayList<>(clients.values())));
        }
    }
}
