package dev.mcpauth.authserver;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.form.FormData;
import io.undertow.server.handlers.form.FormDataParser;
import io.undertow.server.handlers.form.FormParserFactory;
import io.undertow.util.Headers;
import java.io.IOException;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/** Reads an application/x-www-form-urlencoded POST body (RFC 6749 §3.2) with Undertow's parser. */
final class Forms {
    /** No OAuth request needs more than this; bigger bodies are refused before they are read. */
    static final long MAX_BODY = 64 * 1024;

    private static final FormParserFactory PARSERS = FormParserFactory.builder(false)
            .addParser(new io.undertow.server.handlers.form.FormEncodedDataDefinition().setDefaultEncoding("UTF-8"))
            .build();

    private Forms() {
    }

    /**
     * Parameter name → value. RFC 6749 §3.1/§3.2: parameters must not be repeated, and are form-encoded in the body.
     * Must run on a worker thread (the endpoints are wrapped in a BlockingHandler).
     */
    static Map<String, String> read(HttpServerExchange exchange) throws OAuthError {
        String contentType = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
        if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            throw OAuthError.invalidRequest("the body must be application/x-www-form-urlencoded (RFC 6749 §3.2)");
        }
        exchange.setMaxEntitySize(MAX_BODY);
        FormData data;
        try (FormDataParser parser = PARSERS.createParser(exchange)) {
            data = parser.parseBlocking();
        } catch (IOException | RuntimeException e) {
            throw OAuthError.invalidRequest("the form body could not be read (at most " + MAX_BODY + " bytes of UTF-8 form data)");
        }
        return single(data);
    }

    private static Map<String, String> single(FormData data) throws OAuthError {
        Map<String, String> out = new HashMap<>();
        for (String name : data) {
            Deque<FormData.FormValue> values = data.get(name);
            if (values.size() > 1) {
                throw OAuthError.invalidRequest("parameter '" + name + "' is repeated; send it once (RFC 6749 §3.1)");
            }
            String v = values.getFirst().getValue();
            if (v != null && !v.isEmpty()) {
                // RFC 6749 §3.1: parameters sent without a value are treated as omitted.
                out.put(name, v);
            }
        }
        return out;
    }

    /** Query parameters of a GET, with the same no-repeat rule. */
    static Map<String, String> query(HttpServerExchange exchange) throws OAuthError {
        Map<String, String> out = new HashMap<>();
        for (Map.Entry<String, Deque<String>> e : exchange.getQueryParameters().entrySet()) {
            if (e.getValue().size() > 1) {
                throw OAuthError.invalidRequest("parameter '" + e.getKey() + "' is repeated; send it once (RFC 6749 §3.1)");
            }
            String v = e.getValue().getFirst();
            if (v != null && !v.isEmpty()) {
                out.put(e.getKey(), v);
            }
        }
        return out;
    }
}
