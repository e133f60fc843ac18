package dev.mcpauth.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.policy.Condition;
import dev.mcpauth.policy.Decision;
import dev.mcpauth.policy.Policy;
import dev.mcpauth.policy.PolicyRequest;
import dev.mcpauth.policy.RateLimit;
import dev.mcpauth.policy.ScopeHierarchy;
import dev.mcpauth.policy.ScopePolicy;
import dev.mcpauth.token.AccessToken;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What one {@code Policy.decide} costs per call, without HTTP: flat scopes (the baseline every call pays), scopes
 * through a two-level implication, a CEL condition on claims alone, one on claims and arguments, and a rate limit
 * (a token bucket charge and its release). The difference to the baseline is the cost of the rule.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PolicyBenchmark {

    private Policy policy;
    private AccessToken caller;
    private AccessToken broadCaller;
    private PolicyRequest flat;
    private PolicyRequest implied;
    private PolicyRequest claimsCondition;
    private PolicyRequest argsCondition;
    private PolicyRequest limited;

    @Setup
    public void setUp() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ScopePolicy scopes = ScopePolicy.of(Map.of("flat", Set.of("files:read"), "implied", Set.of("files:read"),
                "claims", Set.of("files:read"), "args", Set.of("files:read"), "limited", Set.of("files:read")), Set.of());
        policy = Policy.of(scopes,
                ScopeHierarchy.of(Map.of("admin", List.of("files:write"), "files:write", List.of("files:read"))),
                Map.of("claims", Condition.compile("has(claims.groups) && claims.groups.exists(g, g == \"eng\")", null),
                        "args", Condition.compile("args.path.startsWith(\"/srv/\" + claims.sub + \"/\")", null)),
                List.of(new RateLimit("bench", "limited", RateLimit.Per.SUBJECT, Integer.MAX_VALUE, Duration.ofSeconds(1), 0)));
        Map<String, Object> claims = Map.of("sub", "alice", "groups", List.of("ops", "eng"), "scope", "files:read",
                "iss", "https://issuer.example", "aud", "http://127.0.0.1:8001/mcp", "exp", 4_000_000_000L);
        caller = new AccessToken("alice", "bench", Set.of("files:read"), List.of("http://127.0.0.1:8001/mcp"), "https://issuer.example",
                Instant.now().plusSeconds(3600), claims);
        broadCaller = new AccessToken("alice", "bench", Set.of("admin"), List.of("http://127.0.0.1:8001/mcp"), "https://issuer.example",
                Instant.now().plusSeconds(3600), claims);
        JsonNode args = json.readTree("{\"path\":\"/srv/alice/notes.txt\",\"mode\":\"read\"}");
        flat = PolicyRequest.tool("flat", args);
        implied = PolicyRequest.tool("implied", args);
        claimsCondition = PolicyRequest.tool("claims", args);
        argsCondition = PolicyRequest.tool("args", args);
        limited = PolicyRequest.tool("limited", args);
        for (PolicyRequest r : List.of(flat, claimsCondition, argsCondition, limited)) {
            if (!policy.decide(caller, r).allowed()) {
                throw new IllegalStateException("the benchmark's calls must be allowed: " + r.name());
            }
        }
    }

    @Benchmark
    public Decision scopesOnly() {
        return policy.decide(caller, flat);
    }

    @Benchmark
    public Decision scopesThroughImplications() {
        return policy.decide(broadCaller, implied);
    }

    @Benchmark
    public Decision celConditionOnClaims() {
        return policy.decide(caller, claimsCondition);
    }

    @Benchmark
    public Decision celConditionOnClaimsAndArgs() {
        return policy.decide(caller, argsCondition);
    }

    @Benchmark
    public Decision rateLimitChargeAndRelease() {
        Decision decision = policy.decide(caller, limited);
        decision.release();
        return decision;
    }
}
