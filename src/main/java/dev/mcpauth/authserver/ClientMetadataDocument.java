package dev.mcpauth.authserver;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The rules for one client ID metadata document's content (draft-ietf-oauth-client-id-metadata-document §4). */
final class ClientMetadataDocument {
    private ClientMetadataDocument() {
    }

    /** The client the document describes, or invalid_client naming the first rule it breaks. */
    static RegisteredClient parse(String url, JsonNode doc, long fetchedAt) throws OAuthError {
        if (doc == null || !doc.isObject()) {
            throw ClientMetadataDocuments.refused(url, "it is not a JSON object");
        }
        // CIMD §4.1: the document's client_id MUST equal the URL it was fetched from, by simple string comparison.
        if (!url.equals(doc.path("client_id").asText(null))) {
            throw ClientMetadataDocuments.refused(url, "its client_id is " + text(doc.get("client_id")) + ", not the URL itself");
        }
        // CIMD §4.1: no shared secret can be published in a document anyone can read.
        if (doc.has("client_secret") || doc.has("client_secret_expires_at")) {
            throw ClientMetadataDocuments.refused(url, "it contains client_secret; a published document cannot hold a secret");
        }
        String method = doc.path("token_endpoint_auth_method").asText(RegisteredClient.NONE);
        if (!RegisteredClient.NONE.equals(method)) {
            throw ClientMetadataDocuments.refused(url, "token_endpoint_auth_method " + method + " is not supported here; use none");
        }
        String name = doc.path("client_name").asText("");
        if (name.isBlank()) {
            // MCP authorization (client registration): the document MUST include client_name; users see it on the consent page.
            throw ClientMetadataDocuments.refused(url, "it has no client_name");
        }
        List<String> redirectUris = strings(url, doc, "redirect_uris", List.of());
        if (redirectUris.isEmpty()) {
            throw ClientMetadataDocuments.refused(url, "it lists no redirect_uris");
        }
        for (String r : redirectUris) {
            String problem = RedirectUris.problemWith(r);
            if (problem != null) {
                throw ClientMetadataDocuments.refused(url, problem);
            }
        }
        // RFC 7591 §2 defaults; only the grants a public, interactive client may use are kept.
        List<String> grantTypes = strings(url, doc, "grant_types", List.of(GrantTypes.AUTHORIZATION_CODE)).stream()
                .filter(g -> g.equals(GrantTypes.AUTHORIZATION_CODE) || g.equals(GrantTypes.REFRESH_TOKEN)).toList();
        List<String> responseTypes = strings(url, doc, "response_types", List.of("code"));
        Map<String, Object> metadata = new LinkedHashMap<>();
        for (String key : List.of("client_uri", "logo_uri", "software_id", "software_version")) {
            if (doc.path(key).isTextual()) {
                metadata.put(key, doc.get(key).asText());
            }
        }
        // The consent page shows the name the client chose and, after it, the host that vouches for it.
        String shown = name.strip() + " (" + URI.create(url).getHost() + ")";
        return new RegisteredClient(url, null, fetchedAt, shown, redirectUris, RegisteredClient.NONE, grantTypes, responseTypes,
                "native", null, metadata);
    }

    private static List<String> strings(String url, JsonNode doc, String field, List<String> absent) throws OAuthError {
        JsonNode node = doc.get(field);
        if (node == null || node.isNull()) {
            return absent;
        }
        if (!node.isArray()) {
            throw ClientMetadataDocuments.refused(url, field + " must be an array of strings");
        }
        List<String> values = new ArrayList<>();
        for (JsonNode v : node) {
            if (!v.isTextual()) {
                throw ClientMetadataDocuments.refused(url, field + " must be an array of strings");
            }
            values.add(v.asText());
        }
        return values;
    }

    private static String text(JsonNode node) {
        return node == null ? "missing" : node.toString();
    }
}
