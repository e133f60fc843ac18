package dev.mcpauth.cli;

import com.nimbusds.jose.JWSAlgorithm;
import dev.mcpauth.config.ConfigException;
import dev.mcpauth.config.Durations;
import dev.mcpauth.token.Keys;
import dev.mcpauth.token.TokenMinter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mcp-auth token mint}: a signed access token for tests and demos. */
@Command(name = "mint", mixinStandardHelpOptions = true, addMethodSubcommands = false,
        description = {"Mint a signed JWT access token and print only the token.",
                "HS256/384/512 from a shared secret, or RS256/PS256/ES256/EdDSA from a private key (JWK, JWKS or PEM file)."})
public final class TokenMintCommand implements Callable<Integer> {

    @Option(names = "--secret", paramLabel = "SECRET", description = "Shared secret (HS256 by default).")
    String secret;

    @Option(names = "--secret-file", paramLabel = "FILE", description = "Read the shared secret from FILE.")
    Path secretFile;

    @Option(names = "--key", paramLabel = "FILE", description = "Private key to sign with: JWK, JWKS or PEM file.")
    Path key;

    @Option(names = "--kid", paramLabel = "KID", description = "With a JWKS --key file: which key.")
    String kid;

    @Option(names = "--alg", paramLabel = "ALG", description = "Signature algorithm (HS256, HS384, HS512, RS256, PS256, ES256, EdDSA). Default: from the key.")
    String alg;

    @Option(names = "--sub", paramLabel = "SUBJECT", defaultValue = "demo-user", description = "Subject. Default: ${DEFAULT-VALUE}.")
    String subject;

    @Option(names = "--aud", paramLabel = "AUDIENCE", split = ",", description = "Audience(s): the MCP server's resource URL. Default: http://127.0.0.1:8001/mcp.")
    List<String> audiences;

    @Option(names = "--iss", paramLabel = "ISSUER", description = "Issuer.")
    String issuer;

    @Option(names = "--scope", paramLabel = "SCOPES", split = "[ ,]", description = "Scopes to grant, space or comma separated.")
    List<String> scopes = new ArrayList<>();

    @Option(names = "--client-id", paramLabel = "ID", defaultValue = "mcp-auth-cli", description = "client_id claim. Default: ${DEFAULT-VALUE}.")
    String clientId;

    @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "1h", description = "Lifetime (e.g. 15m, 1h). Default: ${DEFAULT-VALUE}.")
    String ttl;

    @Option(names = {"-c", "--claim"}, paramLabel = "NAME=VALUE", description = "Extra claim; repeatable. VALUE is JSON when it parses as JSON, else a string.")
    List<String> claims = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        TokenMinter minter = minter();
        TokenMinter.Draft draft = minter.token()
                .subject(subject)
                .audiences(audiences == null || audiences.isEmpty() ? List.of("http://127.0.0.1:8001/mcp") : audiences)
                .scopes(scopes.stream().filter(s -> !s.isBlank()).toList())
                .clientId(clientId)
                .ttl(Durations.parse("--ttl", ttl))
                .type(TokenMinter.ACCESS_TOKEN_TYPE);
        if (issuer != null) {
            draft.issuer(issuer);
        }
        for (String claim : claims) {
            int eq = claim.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("--claim must look like NAME=VALUE, got '" + claim + "'");
            }
            draft.claim(claim.substring(0, eq), jsonOrString(claim.substring(eq + 1)));
        }
        spec.commandLine().getOut().println(draft.mint());
        return 0;
    }

    private TokenMinter minter() throws java.io.IOException {
        JWSAlgorithm algorithm = alg == null ? null : JWSAlgorithm.parse(alg);
        int given = (secret != null ? 1 : 0) + (secretFile != null ? 1 : 0) + (key != null ? 1 : 0);
        if (given != 1) {
            throw new ConfigException(given == 0
                    ? "give a signing key: --secret, --secret-file or --key (or MCP_AUTH_SECRET)"
                    : "give one signing key: --secret, --secret-file or --key");
        }
        if (key != null) {
            var jwk = kid == null ? Keys.loadPrivateKey(key) : Keys.loadPrivateKey(key, kid);
            return algorithm == null ? TokenMinter.withKey(jwk) : TokenMinter.withKey(jwk, algorithm);
        }
        byte[] bytes = secret != null ? secret.getBytes(StandardCharsets.UTF_8)
                : OptionFile.read("--secret-file", secretFile).strip().getBytes(StandardCharsets.UTF_8);
        return algorithm == null ? TokenMinter.withSecret(bytes) : TokenMinter.withSecret(bytes, algorithm);
    }

    private static Object jsonOrString(String value) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readValue(value, Object.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return value;
        }
    }

}
