package dev.mcpauth.token;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import java.io.Closeable;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Verifies JWTs signed with an issuer's asymmetric keys, taken from a JWKS (remote, discovered, or in memory).
 * Only asymmetric algorithms are accepted: never {@code none}, never HS* (so a public key can never be abused
 * as an HMAC secret).
 */
public final class JwksVerifier implements TokenVerifier {

    /** RFC 7518 RSA, RSA-PSS and ECDSA, plus EdDSA / fully-specified Ed25519 (RFC 8037, RFC 9864). */
    public static final Set<JWSAlgorithm> ALGORITHMS = Set.of(
            JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
            JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512,
            JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

    private final JwtProcessing processing;
    private final JWKSource<SecurityContext> source;
    private final CountingRetriever retriever;
    private final String description;

    private JwksVerifier(JWKSource<SecurityContext> source, CountingRetriever retriever, JwtRules rules, String keys) {
        this(source, retriever, rules, keys, Optional::empty);
    }

    private JwksVerifier(JWKSource<SecurityContext> source, CountingRetriever retriever, JwtRules rules, String keys,
                         Supplier<Optional<String>> keysOutage) {
        this.source = source;
        this.retriever = retriever;
        this.description = "JWKS JWT verifier (keys from " + keys + "; " + rules.describe() + ")";
        this.processing = new JwtProcessing(new EdDsaSupport.KeySelector(ALGORITHMS, source), ALGORITHMS, rules, keys, keysOutage);
    }

    /** Keys fetched from a JWKS URL, cached and refreshed as {@link JwksOptions#defaults()} says. */
    public static JwksVerifier fromJwksUri(URI jwksUri, JwtRules rules) {
        return fromJwksUri(jwksUri, rules, JwksOptions.defaults());
    }

    public static JwksVerifier fromJwksUri(URI jwksUri, JwtRules rules, JwksOptions options) {
        IssuerDiscovery.requireHttpUrl(jwksUri, "JWKS URL");
        CountingRetriever retriever = new CountingRetriever(new DefaultResourceRetriever(
                millis(options.connectTimeout().toMillis()), millis(options.readTimeout().toMillis()), options.sizeLimitBytes()));
        RemoteJwks.Chain chain = RemoteJwks.build(toUrl(jwksUri), retriever, options);
        return new JwksVerifier(chain.source(), retriever, rules, jwksUri.toString(), chain.reachability()::outage);
    }

    /**
     * Discovers the issuer's {@code jwks_uri} (RFC 8414, then OpenID Connect discovery) now, and verifies tokens
     * from that issuer. The rules' issuer is set to this issuer; a different configured issuer is an error.
     */
    public static JwksVerifier fromIssuer(URI issuer, JwtRules rules, JwksOptions options) throws IOException {
        if (rules.issuer() != null && !rules.issuer().equals(issuer.toString())) {
            throw new IllegalArgumentException("the rules name issuer " + rules.issuer() + " but discovery was asked for " + issuer);
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(options.connectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        IssuerDiscovery.Metadata metadata = IssuerDiscovery.discover(issuer, http, options.connectTimeout().plus(options.readTimeout()));
        return fromJwksUri(metadata.jwksUri(), rules.withIssuer(issuer.toString()), options);
    }

    public static JwksVerifier fromIssuer(URI issuer, JwtRules rules) throws IOException {
        return fromIssuer(issuer, rules, JwksOptions.defaults());
    }

    /** Keys held in this process (the embedded authorization server); private parts are dropped. */
    public static JwksVerifier fromJwkSet(JWKSet keys, JwtRules rules) {
        return new JwksVerifier(new ImmutableJWKSet<>(keys.toPublicJWKSet()), null, rules,
                "an in-memory JWKS of " + keys.getKeys().size() + " key(s)");
    }

    /** Any nimbus key source, e.g. one that follows the embedded authorization server's key rotation. */
    public static JwksVerifier fromJwkSource(JWKSource<SecurityContext> source, JwtRules rules, String describedAs) {
        return new JwksVerifier(source, null, rules, describedAs);
    }

    @Override
    public AccessToken verify(String token) throws TokenRejected {
        return processing.verify(token);
    }

    /** How many times the JWKS document was requested over HTTP (0 for in-memory keys). */
    public long jwksFetchCount() {
        return retriever == null ? 0 : retriever.count.get();
    }

    @Override
    public void close() {
        if (source instanceof Closeable closeable) {
            try {
                closeable.close();
            } catch (IOException e) {
                org.slf4j.LoggerFactory.getLogger(JwksVerifier.class).debug("closing the JWKS source: {}", e.toString());
            }
        }
    }

    @Override
    public String toString() {
        return description;
    }

    private static int millis(long value) {
        return (int) Math.min(Integer.MAX_VALUE, value);
    }

    private static URL toUrl(URI uri) {
        try {
            return uri.toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("JWKS URL is not a valid URL: " + uri, e);
        }
    }

    /** Counts JWKS requests (for tests and benchmarks) by wrapping nimbus's retriever. */
    private static final class CountingRetriever implements ResourceRetriever {
        private final ResourceRetriever delegate;
        private final AtomicLong count = new AtomicLong();

        CountingRetriever(ResourceRetriever delegate) {
            this.delegate = delegate;
        }

        @Override
        public Resource retrieveResource(URL url) throws IOException {
            count.incrementAndGet();
            return delegate.retrieveResource(url);
        }
    }
}
