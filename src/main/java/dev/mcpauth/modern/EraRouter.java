package dev.mcpauth.modern;

import dev.mcpauth.http.Exchanges;
import dev.mcpauth.http.JsonRpcBody;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.util.Objects;

/**
 * Sends each POST on the MCP endpoint down the chain of its protocol era ({@link ProtocolEra}): modern requests to the
 * stateless 2026-07-28 handlers, everything else (initialize, session traffic, batches) to the legacy chain exactly as
 * before. One URL serves both eras (basic/versioning: "A dual-era server MAY serve both eras concurrently on the same
 * endpoint"). Runs after {@link dev.mcpauth.http.JsonRpcBodyReader}; other methods go to the legacy chain (the
 * modern ones were already refused by {@link ModernMethodGate}).
 */
public final class EraRouter implements HttpHandler {

    private static final HttpString PROTOCOL_VERSION = HttpString.tryFromString(ModernProtocol.PROTOCOL_VERSION_HEADER);

    private final HttpHandler legacy;
    private final HttpHandler modern;

    public EraRouter(HttpHandler legacy, HttpHandler modern) {
        this.legacy = Objects.requireNonNull(legacy);
        this.modern = Objects.requireNonNull(modern);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        JsonRpcBody body = exchange.getAttachment(Exchanges.JSON_RPC_BODY);
        if (exchange.getRequestMethod().equals(Methods.POST) && body != null
                && ProtocolEra.of(exchange.getRequestHeaders().getFirst(PROTOCOL_VERSION), body.json()) == ProtocolEra.MODERN) {
            modern.handleRequest(exchange);
            return;
        }
        legacy.handleRequest(exchange);
    }
}
