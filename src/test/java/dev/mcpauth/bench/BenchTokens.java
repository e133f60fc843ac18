package dev.mcpauth.bench;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import dev.mcpauth.token.Keys;
import dev.mcpauth.token.TokenMinter;
import dev.mcpauth.tools.BuiltinTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes the suite's keys and tokens into a directory: one accepted token per verifier (HS256, ES256, RS256,
 * opaque for introspection), the public JWKS the key server serves, and two floods of distinct invalid tokens
 * (a known kid with a wrong signature; unknown kids), one per line for the wrk script; and, for the scale rows, files
 * of N distinct accepted HS256 tokens ({@code hs256-N.tokens}, one subject each).
 * Usage: {@code BenchTokens DIR RESOURCE_URL SECRET FLOOD_SIZE [N,N,...]}.
 */
public final class BenchTokens {

    private BenchTokens() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createDirectories(Path.of(args[0]));
        String resource = args[1];
        byte[] secret = args[2].getBytes(StandardCharsets.UTF_8);
        int flood = Integer.parseInt(args[3]);
        ECKey es = new ECKey.Builder((ECKey) Keys.generate(JWSAlgorithm.ES256)).keyID("bench-es256").build();
        RSAKey rs = new RSAKey.Builder((RSAKey) Keys.generate(JWSAlgorithm.RS256)).keyID("bench-rs256").build();
        Keys.writePublicJwks(List.of(es.toPublicJWK(), rs.toPublicJWK()), dir.resolve("jwks.json"));
        write(dir, "hs256.token", mint(TokenMinter.withSecret(secret), resource, "accepted"));
        write(dir, "es256.token", mint(TokenMinter.withKey(es), resource, "accepted"));
        write(dir, "rs256.token", mint(TokenMinter.withKey(rs), resource, "accepted"));
        write(dir, "opaque.token", "bench-opaque-" + HexFormat.of().formatHex(randomBytes(16)));
        // Same kid as the served key, signed by another key: each one needs a real signature check to be refused.
        ECKey impostor = new ECKey.Builder((ECKey) Keys.generate(JWSAlgorithm.ES256)).keyID(es.getKeyID()).build();
        List<String> badSignature = new ArrayList<>();
        List<String> unknownKid = new ArrayList<>();
        TokenMinter impostorMinter = TokenMinter.withKey(impostor);
        ECKey stranger = (ECKey) Keys.generate(JWSAlgorithm.ES256);
        for (int i = 0; i < flood; i++) {
            badSignature.add(mint(impostorMinter, resource, "bad-" + i));
            // A kid the JWKS does not have: tempts the verifier to refetch the JWKS on every request.
            unknownKid.add(mint(TokenMinter.withKey(new ECKey.Builder(stranger).keyID("unknown-" + i).build()), resource, "unknown-" + i));
        }
        write(dir, "bad-signature.tokens", String.join("\n", badSignature) + "\n");
        write(dir, "unknown-kid.tokens", String.join("\n", unknownKid) + "\n");
        if (args.length > 4) {
            TokenMinter hs256 = TokenMinter.withSecret(secret);
            for (String count : args[4].split(",")) {
                int n = Integer.parseInt(count.trim());
                StringBuilder lines = new StringBuilder();
                for (int i = 0; i < n; i++) {
                    lines.append(mint(hs256, resource, "user-" + i)).append('\n');
                }
                write(dir, "hs256-" + n + ".tokens", lines.toString());
            }
        }
    }

    private static String mint(TokenMinter minter, String resource, String subject) {
        return minter.token().subject(subject).clientId("bench-client").audience(resource)
                .scope(BuiltinTools.MATH_CALCULATE).ttl(Duration.ofHours(2)).mint();
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    private static void write(Path dir, String name, String content) throws IOException {
        Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }
}
