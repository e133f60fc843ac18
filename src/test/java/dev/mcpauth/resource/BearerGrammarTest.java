package dev.mcpauth.resource;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The hand-written Authorization checks accept and extract exactly what the RFC 6750 grammar (as regexes) does. */
class BearerGrammarTest {

    /** DOTALL: a line terminator is left in the credentials, where the b64token check refuses it (400, not 401). */
    private static final Pattern BEARER = Pattern.compile("(?is)bearer(?: +(.*))?");
    private static final Pattern B64TOKEN = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");

    private static final List<String> VALUES = List.of("Bearer abc", "bearer abc", "BEARER   abc.def-ghi", "Bearer", "bearer",
            "Bearerabc", "Basic dXNlcjpwYXNz", "Bear abc", "", "Bearer a b", "Bearer a\nb", "Bearer a\rb", "Bearer a\u2028b",
            "Bearer\tabc", "bEaReR eyJhbGciOi.eyJzdWIi.c2ln", "Bearer ==", "Bearer abc==", "Bearer ab=c", "Bearer a+/~_-.=",
            "Bearer é", "Bearer abc def", "Bearer  ", "DPoP abc", "Bearer,abc");

    @Test
    void bearerSchemeParsingMatchesTheGrammarForEveryShapeOfHeader() {
        for (String value : VALUES) {
            Matcher m = BEARER.matcher(value.strip());
            String expected = m.matches() ? (m.group(1) == null ? "" : m.group(1)) : null;
            assertThat(BearerAuthHandler.bearerToken(value.strip())).as(value).isEqualTo(expected);
        }
    }

    @Test
    void tokenCharactersMatchTheB64TokenGrammar() {
        for (String token : List.of("abc", "abc==", "==", "=", "a=b", "a+/~_-.", "eyJ.eyJ.sig", "a b", "é", "abc=", "A-Z_0-9~+/=", "a\nb", "a\u2028b",
                "a\u0085b", "\u0100", "a=\n")) {
            assertThat(BearerAuthHandler.isB64Token(token)).as(token).isEqualTo(B64TOKEN.matcher(token).matches());
        }
    }
}
