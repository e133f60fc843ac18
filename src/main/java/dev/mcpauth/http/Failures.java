package dev.mcpauth.http;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * A failure in plain words for a message a client may read: never a Java type name, never the exception's own text
 * (which can name internal hosts and paths). The full exception goes to the log where it is caught.
 */
public final class Failures {

    private Failures() {
    }

    public static String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String words = words(t);
            if (words != null) {
                return words;
            }
        }
        return "unexpected error";
    }

    private static String words(Throwable t) {
        return switch (t) {
            case ConnectException e -> "connection refused";
            case UnknownHostException e -> "unknown host";
            case NoRouteToHostException e -> "no route to host";
            case HttpTimeoutException e -> "timed out";
            case SocketTimeoutException e -> "timed out";
            case TimeoutException e -> "timed out";
            case SSLException e -> "TLS failed";
            case EOFException e -> "connection closed";
            case ClosedChannelException e -> "connection closed";
            case IOException e -> "I/O error";
            default -> null;
        };
    }
}
