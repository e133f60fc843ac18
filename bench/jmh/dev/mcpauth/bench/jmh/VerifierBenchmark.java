package dev.mcpauth.bench.jmh;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.mcpauth.token.AccessToken;
import dev.mcpauth.token.CachingVerifier;
import dev.mcpauth.token.JwksVerifier;
import dev.mcpauth.token.JwtRules;
import dev.mcpauth.token.Keys;
import dev.mcpauth.token.SharedSecretVerifier;
import dev.mcpauth.token.TokenMinter;
import dev.mcpauth.token.TokenRejected;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The verifiers on their own, without HTTP: a full HS256 check, a full ES256 check (JWKS verifier with a local
 * key), and what the gateway pays on every request after the first, a cache hit (SHA-256 of the token + map lookup).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class VerifierBenchmark {

    private static final String RESOURCE = "http://127.0.0.1:8001/mcp";
    private static final byte[] SECRET = "jmh-benchmark-secret-at-least-32-bytes-long".getBytes(StandardCharsets.UTF_8);

    private SharedSecretVerifier hs256;
    private JwksVerifier es256;
    private CachingVerifier cached;
    private String hs256Token;
    private String es256Token;

    @Setup
    public void setUp() throws TokenRejected {
        JwtRules rules = JwtRules.of(null, RESOURCE);
        hs256 = new SharedSecretVerifier(SECRET, rules);
        hs256Token = mint(TokenMinter.withSecret(SECRET));
        JWK key = Keys.generate(JWSAlgorithm.ES256);
        es256 = JwksVerifier.fromJwkSet(new JWKSet(key.toPublicJWK()), rules);
        es256Token = mint(TokenMinter.withKey(key));
        cached = CachingVerifier.wrap(hs256, Duration.ofHours(1));
        cached.verify(hs256Token);
    }

    private static String mint(TokenMinter minter) {
        return minter.token().subject("bench").clientId("bench").audience(RESOURCE).scope("math:calculate").ttl(Duration.ofHours(2)).mint();
    }

    @Benchmark
    public AccessToken hs256Verify() throws TokenRejected {
        return hs256.verify(hs256Token);
    }

    @Benchmark
    public AccessToken es256Verify() throws TokenRejected {
        return es256.verify(es256Token);
    }

    @Benchmark
    public AccessToken cacheHit() throws TokenRejected {
        return cached.verify(hs256Token);
    }
}
