package dev.mcpauth.flow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.cli.Cli;
import dev.mcpauth.support.DocumentServer;
import dev.mcpauth.support.TestGateway;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * CIMD end to end between our own client and our own authorization server: {@code flow --client-metadata-url} against
 * {@code authserver --client-metadata-private-hosts}, the document published by a real HTTP server on loopback.
 */
class FlowWithClientMetadataDocumentTest {

    @Test
    void flowUsesItsMetadataDocumentUrlAsClientIdAndRegistersNothing() throws Exception {
        try (DocumentServer docs = new DocumentServer();
             Cli.AuthServer as = Cli.authserver("--port", "0", "--auto-approve", "--client-metadata-private-hosts")) {
            String url = docs.publish("/mcp-auth/client.json", "http://127.0.0.1/callback", Map.of());

            Cli.Result flow = Cli.run("flow", as.issuer(), "--client-metadata-url", url, "--json", "--no-browser", "--timeout", "30s");

            assertThat(flow.exitCode()).as(flow.err()).isZero();
            JsonNode json = TestGateway.json(flow.out());
            assertThat(json.path("client_id").asText()).isEqualTo(url);
            assertThat(json.path("access_token").asText()).isNotBlank();
            assertThat(flow.err()).contains("flow: client: " + url + " (client ID metadata document)").doesNotContain("register:");
            assertThat(docs.fetches.get()).as("fetched at /authorize, cached for the token request").isEqualTo(1);
        }
    }

    @Test
    void flowFallsBackToRegistrationWhenTheServerDoesNotAdvertiseMetadataDocuments() {
        try (EdgeAuthorizationServer edge = new EdgeAuthorizationServer(
                new EdgeAuthorizationServer.Behaviour("", null, null, "client_secret_basic"))) {
            Cli.Result flow = Cli.run("flow", edge.mcpUrl(), "--client-metadata-url", "https://app.example.com/client.json",
                    "--no-browser", "--timeout=10s");

            assertThat(flow.exitCode()).as(flow.err()).isZero();
            assertThat(flow.err()).contains("does not advertise client_id_metadata_document_supported; falling back to registration");
            assertThat(edge.paths).contains("/register");
        }
    }

    @Test
    void aClientMetadataUrlThatIsNotHttpsWithAPathIsRefusedBeforeAnyRequest() {
        Cli.Result flow = Cli.run("flow", "https://mcp.example.com/mcp", "--client-metadata-url", "http://app.example.com/client.json");

        assertThat(flow.exitCode()).isNotZero();
        assertThat(flow.err()).contains("--client-metadata-url must be an https URL with a path");
    }
}
