package dev.mcpauth.resource;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChallengeTest {

    private final Challenge challenge = new Challenge(URI.create("https://h/.well-known/oauth-protected-resource"), Set.of());

    @Test
    void withoutBasicScopesTheChallengeCarriesNoScopeHint() {
        assertThat(challenge.missingToken())
                .isEqualTo("Bearer realm=\"mcp\", resource_metadata=\"https://h/.well-known/oauth-protected-resource\"");
    }

    @Test
    void scopeTokensWithForbiddenCharactersAreLeftOutOfTheScopeParameter() {
        assertThat(challenge.insufficientScope(List.of("b", "a", "bad\"scope", "sp ace"), "d"))
                .endsWith("scope=\"a b\"");
    }

    @Test
    void realmIsAQuotedStringWithEscapes() {
        var odd = new Challenge("my \"realm\"\\", URI.create("https://h/x"), Set.of(), null);

        assertThat(odd.missingToken()).startsWith("Bearer realm=\"my \\\"realm\\\"\\\\\", ");
    }

    @Test
    void errorDescriptionKeepsOnlyTheCharactersRfc6750Allows() {
        assertThat(Challenge.errorDescription("a\"b\\c\td\u00fc")).isEqualTo("a'b/c?d?");
    }
}
