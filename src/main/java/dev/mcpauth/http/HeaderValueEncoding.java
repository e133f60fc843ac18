package dev.mcpauth.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Header values as MCP 2026-07-28 writes them (streamable-http, "Value Encoding"): plain visible ASCII, or
 * {@code =?base64?...?=} around the Base64 of UTF-8 text that a plain header cannot carry.
 */
public final class HeaderValueEncoding {

    private static final String PREFIX = "=?base64?";
    private static final String SUFFIX = "?=";

    private HeaderValueEncoding() {
    }

    /** The value a header stands for, or null when it holds characters no header may carry or bad Base64. */
    public static String decode(String header) {
        if (!isFieldValue(header)) {
            return null;
        }
        if (header.startsWith(PREFIX) && header.endsWith(SUFFIX) && header.length() >= PREFIX.length() + SUFFIX.length()) {
            try {
                return new String(Base64.getDecoder().decode(header.substring(PREFIX.length(), header.length() - SUFFIX.length())),
                        StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return header;
    }

    /**
     * The header that carries {@code value}: as it is when it is plain visible ASCII without surrounding whitespace,
     * else the Base64 sentinel form (a value that itself looks like the sentinel is encoded too, so it reads back as
     * itself).
     */
    public static String encode(String value) {
        boolean plain = !value.isEmpty() && value.strip().equals(value) && !value.startsWith(PREFIX);
        for (int i = 0; plain && i < value.length(); i++) {
            char c = value.charAt(i);
            plain = c >= 0x20 && c <= 0x7e;
        }
        return plain ? value : PREFIX + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) + SUFFIX;
    }

    /** RFC 9110 section 5.5 field value, as the spec narrows it: visible ASCII, space and tab. */
    public static boolean isFieldValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '\t' && (c < 0x20 || c > 0x7e)) {
                return false;
            }
        }
        return true;
    }
}
