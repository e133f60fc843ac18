package dev.mcpauth.cli;

import dev.mcpauth.client.LoginFlow;
import dev.mcpauth.config.GatewayConfig;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Option;

/** How to log in to an authorization server from the terminal: shared by {@code flow} and {@code connect}. */
public final class LoginOptions {

    @Option(names = "--scope", paramLabel = "SCOPES", split = "[ ,]", description = "Scopes to ask for. Default: the scope of the server's 401 challenge, else those its resource metadata advertises.")
    List<String> scopes = List.of();

    @Option(names = "--client-id", paramLabel = "ID", description = "Use this pre-registered client instead of registering one.")
    String clientId;

    @Option(names = "--client-secret", paramLabel = "SECRET", description = "Secret of the pre-registered client (confidential clients).")
    String clientSecret;

    @Option(names = "--client-metadata-url", paramLabel = "URL", description = "The https URL where this client's metadata document is published (CIMD): used as client_id when the authorization server advertises client_id_metadata_document_supported, else registration is used.")
    String clientMetadataUrl;

    @Option(names = "--redirect-port", paramLabel = "PORT", defaultValue = "0", description = "Loopback port for the redirect (0: any free port). Default: ${DEFAULT-VALUE}.")
    int redirectPort;

    @Option(names = "--no-browser", description = "Do not open a browser: print the authorization URL and wait for the redirect.")
    boolean noBrowser;

    LoginFlow.Options options(URI resource, Duration timeout) {
        return new LoginFlow.Options(new LinkedHashSet<>(scopes), resource, clientId, clientSecret, clientMetadataUrl(), redirectPort, timeout);
    }

    /** CIMD §3: the client_id URL is https with a path, without fragment or credentials (http only on loopback, for development). */
    private URI clientMetadataUrl() {
        if (clientMetadataUrl == null) {
            return null;
        }
        URI url = GatewayConfig.uri("--client-metadata-url", clientMetadataUrl);
        String path = url.getRawPath();
        boolean loopbackHttp = "http".equals(url.getScheme()) && List.of("127.0.0.1", "localhost", "[::1]").contains(url.getHost());
        if (!("https".equals(url.getScheme()) || loopbackHttp) || path == null || path.isEmpty() || path.equals("/") || url.getRawFragment() != null
                || url.getRawUserInfo() != null) {
            throw new CliFailure("--client-metadata-url must be an https URL with a path and no fragment or user info,"
                    + " e.g. https://app.example.com/oauth/client.json (got " + clientMetadataUrl + ")");
        }
        return url;
    }

    /** Shows the login URL on stderr (never stdout: it may carry a protocol) and opens a browser unless told not to. */
    LoginFlow.Browser browser(PrintWriter err, String prefix) {
        return url -> {
            err.println(prefix + "open this URL to log in:");
            err.println("  " + url);
            err.flush();
            if (!noBrowser) {
                Browsers.open(url);
            }
        };
    }
}
