package dev.mcpauth.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.cli.Cli;
import org.junit.jupiter.api.Test;

/**
 * {@code mcp-auth flow} against an MCP server and authorization server that behave unlike ours, as the client
 * conformance suite's do: issuers with a path, {@code client_secret_post}, challenge scopes, a lying resource
 * metadata document.
 */
class FlowAgainstOtherAuthorizationServersTest {

    private static Cli.Result flow(EdgeAuthorizationServer edge, String... more) {
        String[] args = new String[4 + more.length];
        System.arraycopy(new String[] {"flow", edge.mcpUrl(), "--no-browser", "--timeout=10s"}, 0, args, 0, 4);
        System.arraycopy(more, 0, args, 4, more.length);
        return Cli.run(args);
    }

    @Test
    void flowFindsAnAuthorizationServerWhoseIssuerHasAPathAtTheRfc8414InsertedUrl() {
        try (EdgeAuthorizationServer edge = new EdgeAuthorizationServer(
                new EdgeAuthorizationServer.Behaviour("/tenant1", null, null, "client_secret_basic"))) {
            Cli.Result flow = flow(edge);

            assertThat(flow.exitCode()).as(flow.err()).isZero();
            assertThat(flow.outLine()).isEqualTo("edge-access-token");
            assertThat(edge.paths).contains("/.well-known/oauth-authorization-server/tenant1", "/tenant1/token")
                    .doesNotContain("/tenant1/.well-known/oauth-authorization-server");
        }
    }

    @Test
    void flowAuthenticatesWithClientSecretPostWhenTheRegistrationSaysSo() {
        try (EdgeAuthorizationServer edge = new EdgeAuthorizationServer(
                new EdgeAuthorizationServer.Behaviour("", null, null, "client_secret_post"))) {
            Cli.Result flow = flow(edge);

            assertThat(flow.exitCode()).as(flow.err()).isZero();
            assertThat(edge.tokenCalls).hasSize(1);
            EdgeAuthorizationServer.TokenCall call = edge.tokenCalls.getFirst();
            assertThat(call.authorization()).isNull();
            assertThat(call.form()).containsEntry("client_id", "edge-client").containsEntry("client_secret", "edge-secret");
            assertThat(flow.err()).doesNotContain("edge-secret");
        }
    }

    @Test
    void flowAuthenticatesWithClientSecretBasicWhenTheRegistrationSaysSo() {
        try (EdgeAuthorizationServer edge = new EdgeAuthorizationServer(
                new EdgeAuthorizationServer.Behaviour("", null, null, "client_secret_basic"))) {
            Cli.Result flow = flow(edge);

            assertThat(flow.exitCode()).as(flow.err()).isZero();
            assertThat(edge.tokenCalls.getFirst().authorization()).startsWith("Basic ");
            assertThat(edge.tokenCalls.getFirst().form()).doesNotContainKey("client_secret");
        }
    }

    @Test
    void flowRefusesResourceMetadataThatNamesAnotherResourceAndGetsNoToken() {
        try (EdgeAuthorizationServer edge = new EdgeAuthorizationServer(
                new EdgeAuthorizationServer.Behaviour("", "https://evil.example.com/mcp", null, "client_secret_basic"))) {
            Cli.Result flow = flow(edge);

            assertThat(flow.exitCode()).isEqualTo(1);
            assertThat(flow.out()).isEmpty();
            String lastLine = flow.err().strip().lines().reduce((a, b) -> b).orElse("");
            assertThat(lastLine).startsWith("mcp-auth: ").contains("https://evil.example.com/mcp").contains(edge.mcpUrl())
                    .doesNotContain("Exception");
            assertThat(edge.paths).doesNotContain("/register", "/authorize", "/token");
        }
    }

    @Test
    void flowAsksForTheScopeOfTheChallengeRatherThanEveryAdvertisedScope() {
        try (EdgeAuthorizationServer edge = new EdgeAuthorizationServer(
                new EdgeAuthorizationServer.Behaviour("", null, "beta", "client_secret_basic"))) {
            Cli.Result flow = flow(edge);

            assertThat(flow.exitCode()).as(flow.err()).isZero();
            assertThat(edge.authorizedScopes).containsExactly("beta");
        }
    }

    @Test
    void flowWithoutAChallengeScopeAsksForTheAdvertisedScopes() {
        try (EdgeAuthorizationServer edge = new EdgeAuthorizationServer(
                new EdgeAuthorizationServer.Behaviour("", null, null, "client_secret_basic"))) {
            Cli.Result flow = flow(edge);

            assertThat(flow.exitCode()).as(flow.err()).isZero();
            assertThat(edge.authorizedScopes.getFirst().split(" ")).containsExactlyInAnyOrder("alpha", "beta", "gamma");
        }
    }

    @Test
    void flowRefusesAuthorizationServerMetadataThatNamesAnotherIssuer() {
        try (EdgeAuthorizationServer edge = new EdgeAuthorizationServer(new EdgeAuthorizationServer.Behaviour(
                "/tenant1", null, null, "client_secret_basic", "https://evil.example.com/tenant1", null, null))) {
            Cli.Result flow = flow(edge);

            assertThat(flow.exitCode()).isEqualTo(1);
            assertThat(flow.out()).isEmpty();
            assertThat(flow.err()).contains("https://evil.example.com/tenant1").contains(edge.issuer()).doesNotContain("Exception");
            assertThat(edge.paths).doesNotContain("/tenant1/register", "/tenant1/authorize", "/tenant1/token");
        }
    }

    @Test
    void flowRefusesAnAuthorizationResponseFromAnotherIssuerBeforeTheCodeExchange() {
        try (EdgeAuthorizationServer edge = new EdgeAuthorizationServer(new EdgeAuthorizationServer.Behaviour(
                "", null, null, "client_secret_basic", null, "https://evil.example.com", null))) {
            Cli.Result flow = flow(edge);

            assertThat(flow.exitCode()).isEqualTo(1);
            assertThat(flow.err()).contains("iss https://evil.example.com is not the expected issuer");
            assertThat(edge.tokenCalls).isEmpty();
        }
    }

    @Test
    void flowFallsBackToOpenIdDiscoveryInsertedThenAppendedForAnIssuerWithAPath() {
        for (String oidc : new String[] {"/.well-known/openid-configuration/tenant1", "/tenant1/.well-known/openid-configuration"}) {
            try (EdgeAuthorizationServer edge = new EdgeAuthorizationServer(new EdgeAuthorizationServer.Behaviour(
                    "/tenant1", null, null, "client_secret_basic", null, null, oidc))) {
                Cli.Result flow = flow(edge);

                assertThat(flow.exitCode()).as(flow.err()).isZero();
                assertThat(flow.outLine()).isEqualTo("edge-access-token");
                assertThat(edge.paths).as("the MCP spec's order").startsWith("/mcp", "/prm", "/.well-known/oauth-authorization-server/tenant1")
                        .contains(oidc);
            }
        }
    }
}
