package dev.mcpauth.token;

import dev.mcpauth.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether an issuer's endpoint (its token introspection endpoint) answered the last time it was asked: one WARN line
 * when it stops answering and one INFO line when it answers again, never a line per request, and the
 * {@code mcp_auth_issuer_reachable} gauge. (The JWKS chain keeps its own, in {@link RemoteJwks}.)
 */
final class EndpointOutage {

    private static final Logger LOG = LoggerFactory.getLogger(EndpointOutage.class);

    private final String what;
    private final String endpoint;
    private final String consequence;
    private volatile boolean down;

    /**
     * @param what        the endpoint in words, with its URL as the operator configured it
     * @param endpoint    its URL (the metric's label: the operator's configuration, never a client's string)
     * @param consequence what callers get meanwhile, for the WARN line
     */
    EndpointOutage(String what, String endpoint, String consequence) {
        this.what = what;
        this.endpoint = endpoint;
        this.consequence = consequence;
    }

    void answered() {
        if (down) {
            synchronized (this) {
                if (down) {
                    down = false;
                    LOG.info("{} answers again", what);
                }
            }
        }
        Metrics.issuerReachable(endpoint, true);
    }

    void failed(String why) {
        if (!down) {
            synchronized (this) {
                if (!down) {
                    down = true;
                    LOG.warn("{} is unreachable: it {}; {}", what, why, consequence);
                }
            }
        }
        Metrics.issuerReachable(endpoint, false);
    }
}
