package dev.mcpauth.token;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one place where a claims map (from a JWT or an RFC 7662 introspection response) becomes an
 * {@link AccessToken}. Issuers differ in how they spell scopes and clients, so every spelling is read here.
 */
public final class AccessTokenClaims {

    /** Scope claims, first present wins: RFC 8693/9068 {@code scope}, then Okta/Azure {@code scp}, then {@code scopes}. */
    private static final List<String> SCOPE_CLAIMS = List.of("scope", "scp", "scopes");
    /** Client claims, first present wins: RFC 9068 {@code client_id}, OIDC {@code azp}, Okta {@code cid}. */
    private static final List<String> CLIENT_CLAIMS = List.of("client_id", "azp", "cid");

    private AccessTokenClaims() {
    }

    /**
     * @param claims    the token's claims, any JSON-ish values
     * @param expiresAt the expiry to record (normally {@code exp}; a configured bound when an introspection
     *                  response has none)
     */
    public static AccessToken toAccessToken(Map<String, ?> claims, Instant expiresAt) {
        return toAccessToken(claims, expiresAt, expiresAt);
    }

    /** @param acceptedUntil when the verifier stops accepting it ({@link JwtRules#acceptedUntil}) */
    static AccessToken toAccessToken(Map<String, ?> claims, Instant expiresAt, Instant acceptedUntil) {
        Map<String, Object> plain = plainObject(claims);
        return new AccessToken(
                text(plain.get("sub")),
                firstText(plain, CLIENT_CLAIMS),
                scopes(plain),
                audiences(plain.get("aud")),
                text(plain.get("iss")),
                expiresAt,
                plain,
                acceptedUntil);
    }

    /** Scopes from a space-separated string or an array of strings (RFC 6749 section 3.3 scope-token syntax). */
    static Set<String> scopes(Map<String, ?> claims) {
        for (String name : SCOPE_CLAIMS) {
            Object value = claims.get(name);
            if (value != null) {
                return new LinkedHashSet<>(strings(value));
            }
        }
        return Set.of();
    }

    /** A string claim split on spaces, or an array claim, as a list of non-empty strings. */
    static List<String> strings(Object value) {
        if (value instanceof String s) {
            return Arrays.stream(s.trim().split("\\s+")).filter(part -> !part.isEmpty()).map(String::intern).toList();
        }
        if (value instanceof Collection<?> values) {
            List<String> out = new ArrayList<>();
            for (Object item : values) {
                if (item != null) {
                    out.addAll(strings(item.toString()));
                }
            }
            return out;
        }
        return List.of();
    }

    /** RFC 7519 section 4.1.3: {@code aud} is one string or an array of strings (never split on spaces). */
    static List<String> audiences(Object value) {
        if (value instanceof String s) {
            return List.of(s);
        }
        if (value instanceof Collection<?> values) {
            return values.stream().filter(String.class::isInstance).map(String.class::cast).toList();
        }
        return List.of();
    }

    /** Seconds since the epoch from a JSON number (RFC 7519 NumericDate), or null when absent or not a number. */
    static Instant numericDate(Object value) {
        if (value instanceof Number n) {
            return Instant.ofEpochSecond(n.longValue());
        }
        if (value instanceof Date d) {
            return d.toInstant();
        }
        return null;
    }

    static String text(Object value) {
        return value instanceof String s && !s.isEmpty() ? s : null;
    }

    private static String firstText(Map<String, Object> claims, List<String> names) {
        for (String name : names) {
            String value = text(claims.get(name));
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    /**
     * Top level: nulls dropped (AccessToken's map holds no nulls); nested values copied as plain JSON values.
     * Claim names, and the values tokens of one deployment share (issuer, audience, client, scopes), are interned:
     * the token cache holds up to ~100,000 tokens, and each held its own copies (~40% of an entry's memory).
     */
    static Map<String, Object> plainObject(Map<String, ?> claims) {
        Map<String, Object> out = new LinkedHashMap<>();
        claims.forEach((key, value) -> {
            if (value != null) {
                out.put(key.intern(), SHARED_VALUE_CLAIMS.contains(key) ? interned(plain(value)) : plain(value));
            }
        });
        return out;
    }

    /** Claims whose values repeat from token to token of one deployment. */
    private static final Set<String> SHARED_VALUE_CLAIMS = Set.of("iss", "aud", "client_id", "azp", "cid", "scope", "scp", "scopes");

    private static Object interned(Object value) {
        if (value instanceof String s) {
            return s.intern();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(AccessTokenClaims::interned).toList();
        }
        return value;
    }

    private static Object plain(Object value) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Number) {
            return value;
        }
        if (value instanceof Date date) {
            return date.getTime() / 1000;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), plain(v)));
            return Collections.unmodifiableMap(out);
        }
        if (value instanceof Collection<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(item -> out.add(plain(item)));
            return Collections.unmodifiableList(out);
        }
        if (value instanceof Object[] array) {
            return plain(Arrays.asList(array));
        }
        return value.toString();
    }
}
