package dev.mcpauth.http;

import io.undertow.io.AsyncSenderImpl;
import io.undertow.io.Receiver;
import io.undertow.io.Sender;
import io.undertow.server.BlockingHttpExchange;
import io.undertow.server.HttpServerExchange;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Sends a whole response body, computed on a virtual thread, from the connection's IO thread, so that the exchange
 * also ends there. An exchange that ends on another thread re-arms the connection's reads from that thread (a
 * selector wake-up), and while it does, Undertow's IO thread busy-waits in {@code HttpReadListener.handleEvent}
 * as soon as the client's next request arrives; on two busy cores that spin was the largest single cost of a
 * stateless tools/call (bench/README.md: ~25% of CPU samples). Ending on the IO thread is the path a
 * non-blocking handler takes.
 * <p>Call it from a handler running on the dispatched thread, with the request body fully read, and then return
 * without touching the exchange again: Undertow runs the send once the handler has returned.
 */
public final class IoThreadSend {

    private IoThreadSend() {
    }

    public static void send(HttpServerExchange exchange, ByteBuffer body) {
        if (exchange.isInIoThread() || !exchange.isBlocking()) {
            exchange.getResponseSender().send(body);
            return;
        }
        // The blocking streams are done with (the body was read); ending on the IO thread must not block on them.
        exchange.startBlocking(Finished.INSTANCE);
        exchange.dispatch(exchange.getIoThread(), ex -> new AsyncSenderImpl(ex).send(body));
    }

    /** The blocking side of an exchange whose response has been handed to the IO thread: nothing left to close. */
    private enum Finished implements BlockingHttpExchange {
        INSTANCE;

        @Override
        public InputStream getInputStream() {
            throw new IllegalStateException("the response was handed to the IO thread");
        }

        @Override
        public OutputStream getOutputStream() {
            throw new IllegalStateException("the response was handed to the IO thread");
        }

        @Override
        public Sender getSender() {
            throw new IllegalStateException("the response was handed to the IO thread");
        }

        @Override
        public Receiver getReceiver() {
            throw new IllegalStateException("the response was handed to the IO thread");
        }

        @Override
        public void close() {
            // Nothing to release: the request body was read and the response is written by the IO thread.
        }
    }
}
