package dev.mcpauth.policy;

import dev.mcpauth.token.AccessToken;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may use what: the one place every request that names a tool, prompt or resource is decided, whatever the
 * protocol era or transport. In order: the scopes the rule names, with the scope hierarchy ({@link ScopeHierarchy});
 * then the rule's condition on claims and arguments ({@link Condition}); then, for tool calls that count, the
 * per-caller rate limits ({@link RateLimit}), last, so that a refused call is never charged. The answer is a
 * {@link Decision}; how a denial looks on the wire is the front's business.
 */
public final class Policy {

    private static final Logger log = LoggerFactory.getLogger(Policy.class);

    private final ScopePolicy scopes;
    private final ScopeHierarchy hierarchy;
    private final NameRules<Condition> conditions;
    private final RateLimiter limits;

    private Policy(ScopePolicy scopes, ScopeHierarchy hierarchy, Map<String, Condition> conditions, List<RateLimit> rateLimits,
                   LongSupplier nanos) {
        this.scopes = scopes;
        this.hierarchy = hierarchy;
        this.conditions = new NameRules<>(conditions);
        this.limits = new RateLimiter(rateLimits, nanos);
    }

    /** Flat scopes only: no hierarchy, conditions or limits. */
    public static Policy of(ScopePolicy scopes) {
        return of(scopes, ScopeHierarchy.NONE, Map.of(), List.of());
    }

    /**
     * @param conditions tool name or pattern → its condition (matched like scope rules: exact name first, then the
     *                   most specific pattern)
     */
    public static Policy of(ScopePolicy scopes, ScopeHierarchy hierarchy, Map<String, Condition> conditions, List<RateLimit> rateLimits) {
        return new Policy(scopes, hierarchy, conditions, rateLimits, System::nanoTime);
    }

    /** The same rules on another clock (tests of the token buckets). */
    Policy withNanoClock(LongSupplier nanos) {
        return new Policy(scopes, hierarchy, conditions.all(), limits.limits(), nanos);
    }

    /**
     * Whether {@code caller} (null: no authentication, no scopes, no claims) may do what {@code request} asks. An
     * allowed decision of a counted tool call holds a place among the caller's concurrent calls: the front
     * {@link Decision#release() releases} it when the call ends.
     */
    public Decision decide(AccessToken caller, PolicyRequest request) {
        Set<String> granted = caller == null ? Set.of() : caller.scopes();
        Decision decision = Decision.ofScopes(request.kind(), request.name(), scopes.requiredScopes(request.name()), granted, hierarchy);
        if (!decision.allowed()) {
            return decision;
        }
        Condition condition = conditions.find(request.name()).orElse(null);
        // A list does not know the arguments: only a condition on claims alone can hide an entry.
        if (condition != null && (request.arguments() != null || condition.claimsOnly())) {
            Condition.Result result = condition.evaluate(caller == null ? Map.of() : caller.claims(), request.arguments());
            if (!result.satisfied()) {
                if (result.error() != null) {
                    log.debug("condition '{}' on {} could not be evaluated: {}", condition.source(), request.name(), result.error());
                }
                return decision.refused(Decision.Outcome.CONDITION_FAILED, condition.message(), null, null);
            }
        }
        if (request.counts() && request.kind() == PolicyRequest.Kind.TOOL && !limits.isEmpty()) {
            Object admission = limits.admit(caller, request.name());
            if (admission instanceof RateLimiter.Refusal refusal) {
                RateLimit limit = refusal.limit();
                return decision.refused(Decision.Outcome.RATE_LIMITED, "rate limit '" + limit.name() + "' (" + limit.describe()
                        + ") reached for " + request.kind().word() + " '" + request.name() + "': " + refusal.why()
                        + "; retry after " + Decision.seconds(refusal.retryAfter()) + " s", limit.name(), refusal.retryAfter());
            }
            return decision.holding((CallPermit) admission);
        }
        return decision;
    }

    /** Whether a list shows {@code name} to {@code caller}: its scopes suffice and no condition on claims alone fails. */
    public boolean visible(AccessToken caller, PolicyRequest.Kind kind, String name) {
        return decide(caller, PolicyRequest.listing(kind, name)).allowed();
    }

    /** Whether a list showing {@code name} depends on who asks (a scope or a condition on claims applies to it). */
    public boolean dependsOnCaller(String name) {
        return !scopes.requiredScopes(name).isEmpty() || conditions.find(name).map(Condition::claimsOnly).orElse(false);
    }

    /** The scope rules (as configured, before the hierarchy). */
    public ScopePolicy scopes() {
        return scopes;
    }

    public ScopeHierarchy hierarchy() {
        return hierarchy;
    }

    /** The scopes the rule for {@code name} names. */
    public Set<String> requiredScopes(String name) {
        return scopes.requiredScopes(name);
    }

    /** The condition that applies to {@code name}, if any. */
    public Optional<Condition> condition(String name) {
        return conditions.find(name);
    }

    /** Every condition, by the name or pattern it is configured under. */
    public Map<String, Condition> conditions() {
        return conditions.all();
    }

    public List<RateLimit> rateLimits() {
        return limits.limits();
    }
}
