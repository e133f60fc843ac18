package dev.mcpauth.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.mcpauth.config.ConfigException;
import dev.mcpauth.token.Keys;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mcp-auth keys}: signing keys for {@code authserver --key} and {@code token mint --key}. Its commands are registered in
 * {@link Main#GROUP_MEMBERS}, so that a command line builds only the one it names.
 */
@Command(name = "keys", mixinStandardHelpOptions = true, addMethodSubcommands = false,
        description = "Generate and show signing keys (JWK).")
public final class KeysCommand {

    static final String PRIVATE_FILE = "signing-key.json";
    static final String PUBLIC_FILE = "jwks.json";

    /** {@code keys generate}: a new key pair as a private JWK (owner-only) and a public JWKS. */
    @Command(name = "generate", mixinStandardHelpOptions = true, addMethodSubcommands = false,
            description = {"Generate a signing key: writes DIR/" + PRIVATE_FILE + " (the private JWK, mode 600) and DIR/" + PUBLIC_FILE
                    + " (the public JWKS to publish), and prints their paths.",
                    "The kid is the key's RFC 7638 thumbprint unless --kid is given."})
    static final class Generate implements Callable<Integer> {

        @Option(names = "--alg", paramLabel = "ALG", defaultValue = "ES256", description = "ES256 (P-256), RS256 or PS256 (RSA 2048), or EdDSA (Ed25519). Default: ${DEFAULT-VALUE}.")
        String alg;

        @Option(names = "--out-dir", paramLabel = "DIR", required = true, description = "Directory to write the key files to (created if missing).")
        Path outDir;

        @Option(names = "--kid", paramLabel = "KID", description = "Key id to put in the JWK. Default: the RFC 7638 thumbprint.")
        String kid;

        @Option(names = "--force", description = "Replace existing key files (tokens signed with the old key stop verifying).")
        boolean force;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            JWSAlgorithm algorithm = algorithm(alg);
            Path privateFile = outDir.resolve(PRIVATE_FILE).toAbsolutePath().normalize();
            Path publicFile = outDir.resolve(PUBLIC_FILE).toAbsolutePath().normalize();
            if (!force) {
                for (Path p : List.of(privateFile, publicFile)) {
                    if (Files.exists(p)) {
                        throw new CliFailure(p + " already exists; pass --force to replace it (tokens signed with the old key will stop verifying)");
                    }
                }
            }
            if (kid != null && kid.isBlank()) {
                throw new ConfigException("--kid must not be blank");
            }
            JWK key = kid == null ? Keys.generate(algorithm) : withKeyId(Keys.generate(algorithm), kid);
            Keys.writePrivateJwk(key, privateFile);
            Keys.writePublicJwks(List.of(key), publicFile);
            PrintWriter out = spec.commandLine().getOut();
            out.println("private key: " + privateFile + "  (keep it secret; use with: mcp-auth authserver --key " + privateFile + ")");
            out.println("public JWKS: " + publicFile + "  (publish it at the URL resource servers get with --jwks-uri)");
            out.println("kid: " + key.getKeyID() + ", alg: " + key.getAlgorithm());
            out.flush();
            return 0;
        }

        private static JWSAlgorithm algorithm(String name) {
            for (JWSAlgorithm a : List.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.EdDSA)) {
                if (a.getName().equalsIgnoreCase(name)) {
                    return a;
                }
            }
            throw new ConfigException("--alg " + name + " is not supported; choose ES256, RS256, PS256 or EdDSA");
        }

        private static JWK withKeyId(JWK key, String kid) {
            if (key instanceof ECKey ec) {
                return new ECKey.Builder(ec).keyID(kid).build();
            }
            if (key instanceof RSAKey rsa) {
                return new RSAKey.Builder(rsa).keyID(kid).build();
            }
            if (key instanceof OctetKeyPair okp) {
                return new OctetKeyPair.Builder(okp).keyID(kid).build();
            }
            throw new IllegalStateException("unexpected key type " + key.getKeyType());
        }
    }

    /** {@code keys show}: the public part of each key in a file, with its thumbprint; never the private part. */
    @Command(name = "show", mixinStandardHelpOptions = true, addMethodSubcommands = false,
            description = "Print the public part of the key(s) in a JWK, JWKS or PEM file as JSON, with kid, type, whether the file holds a private key, and the RFC 7638 thumbprint.")
    static final class Show implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "FILE", description = "A JWK, JWKS or PEM key file.")
        Path file;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            List<Map<String, Object>> shown = new ArrayList<>();
            for (JWK key : keys(file)) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("kid", key.getKeyID());
                doc.put("kty", key.getKeyType().getValue());
                doc.put("alg", key.getAlgorithm() == null ? null : key.getAlgorithm().getName());
                doc.put("private", key.isPrivate());
                doc.put("thumbprint", thumbprint(key));
                doc.put("public_jwk", key.toPublicJWK().toJSONObject());
                shown.add(doc);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(Map.of("keys", shown)));
            out.flush();
            return 0;
        }

        private static List<JWK> keys(Path file) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new ConfigException("cannot read key file " + file + ": " + e.getMessage());
            }
            if (text.stripLeading().startsWith("-----BEGIN")) {
                return List.of(Keys.loadPrivateKey(file));
            }
            try {
                Map<String, Object> json = JSONObjectUtils.parse(text);
                return json.containsKey("keys") ? JWKSet.parse(json).getKeys() : List.of(JWK.parse(json));
            } catch (ParseException e) {
                throw new ConfigException("key file " + file + " is not a JWK, JWKS or PEM key: " + e.getMessage());
            }
        }

        // RFC 7638: the SHA-256 thumbprint, base64url, the same whatever the kid.
        private static String thumbprint(JWK key) {
            try {
                return key.computeThumbprint().toString();
            } catch (JOSEException e) {
                throw new CliFailure("cannot compute the thumbprint of key " + key.getKeyID() + ": " + e.getMessage());
            }
        }
    }
}
