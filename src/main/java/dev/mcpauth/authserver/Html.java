package dev.mcpauth.authserver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The HTML pages of the AS: templates from {@code /authserver/*.html} with every reflected value escaped. */
final class Html {
    private static final java.util.regex.Pattern PLACEHOLDER = java.util.regex.Pattern.compile("\\{\\{([a-z_]+)}}");

    private Html() {
    }

    /** Escapes text for HTML element content and double-quoted attribute values (OWASP XSS rule #1 and #2). */
    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                case '/' -> b.append("&#47;");
                case '`' -> b.append("&#96;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * Fills {@code {{name}}} placeholders. Values are escaped, except keys ending in {@code _html}, which the
     * caller builds itself from escaped parts.
     */
    static String render(String template, Map<String, String> values) {
        // One pass, so a reflected value that itself looks like a placeholder is never expanded.
        return PLACEHOLDER.matcher(load(template)).replaceAll(m -> {
            String key = m.group(1);
            String value = values.getOrDefault(key, "");
            return java.util.regex.Matcher.quoteReplacement(key.endsWith("_html") ? value : escape(value));
        });
    }

    private static String load(String name) {
        try (InputStream in = Html.class.getResourceAsStream("/authserver/" + name)) {
            if (in == null) {
                throw new IllegalStateException("authserver: page template /authserver/" + name + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
