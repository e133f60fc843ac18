package dev.mcpauth.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.token.AccessToken;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The decisions of {@link Policy} that the gateway tests cannot time: cost limits, bucket refill, narrowest scopes. */
class PolicyDecisionsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static AccessToken token(String subject, Set<String> scopes, Map<String, Object> claims) {
        return new AccessToken(subject, "client", scopes, List.of(), "https://issuer.test", Instant.now().plusSeconds(600), claims);
    }

    @Test
    void anExpensiveConditionStopsAtTheCostLimitAndCountsAsFalse() {
        Condition quadratic = Condition.compile("claims.items.all(x, claims.items.all(y, x + y >= 0))", "too expensive");
        List<Long> hundred = java.util.stream.LongStream.range(0, 100).boxed().toList();

        Condition.Result result = quadratic.evaluate(Map.of("items", hundred), null);

        assertThat(result.satisfied()).isFalse();
        // Whichever bound comes first: the iterations of the comprehensions, or the steps of the whole evaluation.
        assertThat(result.error()).containsAnyOf("Iteration budget exceeded", "cost limit reached");
        assertThat(quadratic.evaluate(Map.of("items", List.of(1L, 2L)), null).satisfied()).isTrue();
    }

    @Test
    void theTokenBucketRefillsOverItsWindowAndRetryAfterSaysWhen() throws Exception {
        AtomicLong now = new AtomicLong(0);
        Policy policy = Policy.of(ScopePolicy.of(Map.of(), Set.of()), ScopeHierarchy.NONE, Map.of(),
                List.of(new RateLimit("four-a-minute", "add*", RateLimit.Per.SUBJECT, 4, Duration.ofMinutes(1), 0))).withNanoClock(now::get);
        AccessToken alice = token("alice", Set.of(), Map.of());
        PolicyRequest add = PolicyRequest.tool("add", JSON.createObjectNode());

        for (int i = 0; i < 4; i++) {
            assertThat(policy.decide(alice, add).allowed()).isTrue();
        }
        Decision refused = policy.decide(alice, add);
        assertThat(refused.outcome()).isEqualTo(Decision.Outcome.RATE_LIMITED);
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(15));
        // A list asks without being charged, and a re-check of an admitted call is not charged again.
        assertThat(policy.visible(alice, PolicyRequest.Kind.TOOL, "add")).isTrue();
        assertThat(policy.decide(token("bob", Set.of(), Map.of()), add).allowed()).isTrue();

        now.addAndGet(Duration.ofSeconds(15).toNanos());
        assertThat(policy.decide(alice, add).allowed()).isTrue();
        assertThat(policy.decide(alice, add).allowed()).isFalse();
        assertThat(policy.decide(alice, add.recheck()).allowed()).isTrue();
    }

    @Test
    void aConcurrentPlaceIsFreedWhenTheCallIsReleased() {
        Policy policy = Policy.of(ScopePolicy.of(Map.of(), Set.of()), ScopeHierarchy.NONE, Map.of(),
                List.of(new RateLimit("one-at-once", "*", RateLimit.Per.CLIENT, 0, null, 1)));
        AccessToken caller = token("carol", Set.of(), Map.of());
        PolicyRequest slow = PolicyRequest.tool("slow", JSON.createObjectNode());

        Decision running = policy.decide(caller, slow);
        assertThat(policy.decide(caller, slow).outcome()).isEqualTo(Decision.Outcome.RATE_LIMITED);
        running.release();
        running.release();
        Decision next = policy.decide(caller, slow);
        assertThat(next.allowed()).isTrue();
        assertThat(policy.decide(caller, slow).allowed()).as("a double release frees one place only").isFalse();
    }

    @Test
    void missingScopesAreReportedAsTheNarrowestThatSuffice() {
        ScopeHierarchy hierarchy = ScopeHierarchy.of(Map.of("admin", List.of("files:write"), "files:write", List.of("files:read")));
        Policy policy = Policy.of(ScopePolicy.of(Map.of("sync", Set.of("files:read", "files:write")), Set.of()), hierarchy, Map.of(), List.of());

        Decision decision = policy.decide(token("dan", Set.of(), Map.of()), PolicyRequest.tool("sync", JSON.createObjectNode()));

        assertThat(decision.missing()).containsExactly("files:read", "files:write");
        assertThat(decision.sufficient()).containsExactly("files:write");
        assertThat(policy.decide(token("dan", Set.of("admin"), Map.of()), PolicyRequest.tool("sync", JSON.createObjectNode())).allowed()).isTrue();
        assertThat(hierarchy.expand(Set.of("admin"))).containsExactlyInAnyOrder("admin", "files:write", "files:read");
        assertThatThrownBy(() -> ScopeHierarchy.of(Map.of("a", List.of("a")))).hasMessageContaining("cycle: a → a");
    }
}
