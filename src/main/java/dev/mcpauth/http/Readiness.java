package dev.mcpauth.http;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Whether this replica should get traffic ({@code /health/ready}): it is not draining, the token authority was
 * reached, and every upstream is up now.
 * <p>
 * The authority needs to be reached once only: after that the verifier holds the keys (or answers from its cache)
 * and an identity-provider blip must not take every replica out of the load balancer at the same moment. Upstreams
 * are checked on every probe: a stdio child belongs to this replica, and while it restarts the others serve.
 */
public final class Readiness {

    private final Supplier<Optional<String>> authority;
    private final Supplier<Map<String, String>> upstreams;
    private final AtomicBoolean authorityReached = new AtomicBoolean();
    private final AtomicBoolean draining = new AtomicBoolean();

    public Readiness(Supplier<Optional<String>> authority, Supplier<Map<String, String>> upstreams) {
        this.authority = authority;
        this.upstreams = upstreams;
    }

    /** From now on not ready (SIGTERM): load balancers stop sending before the listener closes. */
    public void beginDrain() {
        draining.set(true);
    }

    boolean draining() {
        return draining.get();
    }

    /** Empty when ready, else why not, in words safe for anyone to read. */
    Optional<String> whyNotReady() {
        if (draining.get()) {
            return Optional.of("the server is shutting down");
        }
        if (!authorityReached.get()) {
            Optional<String> why = authority.get();
            if (why.isPresent()) {
                return why;
            }
            authorityReached.set(true);
        }
        for (Map.Entry<String, String> upstream : upstreams.get().entrySet()) {
            if (!upstream.getValue().equals("up")) {
                return Optional.of("upstream " + upstream.getKey() + " is " + upstream.getValue());
            }
        }
        return Optional.empty();
    }

    /** For {@code /health}: ok, degraded (an upstream is not up) or draining. */
    public String status() {
        if (draining.get()) {
            return "draining";
        }
        return upstreams.get().values().stream().allMatch("up"::equals) ? "ok" : "degraded";
    }
}
