package dev.mcpauth.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.util.Objects;

/**
 * DNS-rebinding defence in depth (MCP transports, "Security Warning"), beside {@link OriginCheck}: a request whose
 * {@code Host} is not one of this server's names gets 421 before any route runs. 421 Misdirected Request (RFC 9110
 * section 15.5.20) says what happened: the request reached a server that is not authoritative for that name. It is
 * not a refusal of the caller (403), and no credential would change it.
 */
public final class HostCheck implements HttpHandler {

    private final AllowedHosts allowed;
    private final HttpHandler next;

    public HostCheck(AllowedHosts allowed, HttpHandler next) {
        this.allowed = Objects.requireNonNull(allowed);
        this.next = Objects.requireNonNull(next);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        var hosts = exchange.getRequestHeaders().get(Headers.HOST);
        if (hosts == null || hosts.size() != 1) {
            // RFC 9112 section 3.2: exactly one Host header, else 400.
            JsonErrors.send(exchange, 400, "invalid_request", "Send exactly one Host header naming this server");
            return;
        }
        String host = hosts.getFirst();
        if (!allowed.allows(host)) {
            String name = AllowedHosts.hostOf(host) == null ? printable(host) : AllowedHosts.hostOf(host);
            JsonErrors.send(exchange, 421, "misdirected_request", "This server does not answer to the host name '" + printable(name)
                    + "' (Host header); it answers to " + allowed + ". If '" + printable(name) + "' is how clients reach it, start it with"
                    + " --allowed-host " + printable(name) + " (MCP_AUTH_ALLOWED_HOST, allowed-host in mcp-auth.yaml) or set --public-url");
            return;
        }
        next.handleRequest(exchange);
    }

    private static String printable(String s) {
        String cut = s.length() > 100 ? s.substring(0, 100) : s;
        return cut.replaceAll("[^\\x21-\\x7E]", "?").replace("'", "?");
    }
}
