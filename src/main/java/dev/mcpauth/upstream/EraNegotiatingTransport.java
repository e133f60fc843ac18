package dev.mcpauth.upstream;

import dev.mcpauth.modern.ModernProtocol;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Picks the era of an HTTP upstream when the connection opens, from {@code server/discover} and the revision the
 * connection's {@code initialize} asks for (the client's own, on a connection bound to a client session):
 * <ul>
 * <li>an upstream that does not offer 2026-07-28 is a 2025-era server and gets the SDK's Streamable HTTP transport;</li>
 * <li>one that offers 2026-07-28 and also the 2025 revision asked for gets that 2025-era session: a 2025 client can
 *     say things 2026-07-28 cannot carry ({@code completion/complete}, {@code resources/subscribe},
 *     {@code logging/setLevel} and log messages between requests), so the bridge keeps its client's era where it can;</li>
 * <li>otherwise (2026-07-28 asked, or the only revision the upstream offers) it is spoken to in 2026-07-28
 *     ({@link ModernUpstreamTransport}), which translates.</li>
 * </ul>
 * The choice is made once per connection, at {@code initialize}, and the other transport is never opened.
 */
final class EraNegotiatingTransport implements McpClientTransport {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(EraNegotiatingTransport.class);

    private final McpClientTransport legacy;
    private final ModernUpstreamTransport modern;
    private volatile Function<Mono<JSONRPCMessage>, Mono<JSONRPCMessage>> handler;
    private volatile McpClientTransport chosen;

    EraNegotiatingTransport(McpClientTransport legacy, ModernUpstreamTransport modern) {
        this.legacy = legacy;
        this.modern = modern;
    }

    @Override
    public Mono<Void> connect(Function<Mono<JSONRPCMessage>, Mono<JSONRPCMessage>> handler) {
        this.handler = handler;
        return Mono.empty();
    }

    @Override
    public Mono<Void> sendMessage(JSONRPCMessage message) {
        McpClientTransport active = chosen;
        if (active != null) {
            return active.sendMessage(message);
        }
        if (!(message instanceof McpSchema.JSONRPCRequest request) || !McpSchema.METHOD_INITIALIZE.equals(request.method())) {
            return Mono.error(new IOException("the connection to the upstream is not initialized"));
        }
        String asked = dev.mcpauth.json.Json.shared().valueToTree(request.params()).path("protocolVersion").asText("");
        return Mono.fromCallable(() -> modern.discover()).subscribeOn(Schedulers.boundedElastic())
                .flatMap(discovered -> {
                    boolean keepsTheClientsEra = discovered.isPresent() && !ModernProtocol.VERSION.equals(asked)
                            && offers(discovered.get(), asked);
                    boolean isModern = discovered.isPresent() && !keepsTheClientsEra;
                    McpClientTransport pick = isModern ? modern : legacy;
                    log.info("upstream {}: {}", modern.name(), isModern ? "speaks MCP 2026-07-28 (server/discover): no session"
                            : keepsTheClientsEra ? "speaks MCP 2026-07-28 and " + asked + ": a " + asked + " session, the era of its client"
                            : "does not offer MCP 2026-07-28: 2025-era session");
                    chosen = pick;
                    return pick.connect(handler).then(pick.sendMessage(message));
                });
    }

    private static boolean offers(com.fasterxml.jackson.databind.JsonNode discovered, String version) {
        for (com.fasterxml.jackson.databind.JsonNode offered : discovered.path("supportedVersions")) {
            if (offered.asText().equals(version)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the upstream turned out to speak 2026-07-28 (false until the connection is initialized). */
    boolean isModern() {
        return chosen == modern;
    }

    @Override
    public void setExceptionHandler(Consumer<Throwable> handler) {
        legacy.setExceptionHandler(handler);
    }

    @Override
    public Mono<Void> closeGracefully() {
        McpClientTransport active = chosen;
        return active != null ? active.closeGracefully() : Mono.fromRunnable(modern::close);
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return legacy.unmarshalFrom(data, typeRef);
    }

    @Override
    public List<String> protocolVersions() {
        return legacy.protocolVersions();
    }
}
