package dev.mcpauth.modern;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where the notifications related to one 2026-07-28 request go before its response: the request's SSE response
 * stream on Streamable HTTP, stdout on stdio (basic/transports: progress and log messages flow only on the stream of
 * the request they relate to). A front offers one only when it can carry them (on HTTP: the client accepts
 * {@code text/event-stream}).
 */
interface RequestStream {

    /** Sends one notification related to the request; false once the client has gone. */
    boolean notify(ObjectNode notification);

    /**
     * Whether the client is still waiting for the response; on HTTP this writes a keep-alive comment, since a closed
     * response stream is how a 2026-07-28 client cancels (basic/utilities/cancellation) and only a write notices it.
     */
    boolean alive();
}
