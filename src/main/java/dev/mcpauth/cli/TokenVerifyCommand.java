package dev.mcpauth.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mcpauth.config.ConfigException;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.gateway.Verifiers;
import dev.mcpauth.token.AccessToken;
import dev.mcpauth.token.TokenRejected;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mcp-auth token verify}: checks a token exactly as {@code serve} would. */
@Command(name = "verify", mixinStandardHelpOptions = true, addMethodSubcommands = false,
        description = "Verify a token with the same options and checks as 'serve' (signature, exp/nbf, iss, aud).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the token is valid (its claims are printed)", "1:the token was rejected (the reason is printed)", "2:invalid usage or configuration"})
public final class TokenVerifyCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "TOKEN", description = "The token, @FILE or a file path, or - to read stdin.")
    String token;

    @Mixin
    VerifierOptions verifier;

    @Option(names = "--resource", paramLabel = "URL", defaultValue = "http://127.0.0.1:8001/mcp",
            description = "The resource URL the token's audience must contain. Default: ${DEFAULT-VALUE}.")
    String resource;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!verifier.anyGiven()) {
            throw new ConfigException("say how to verify: --secret, --secret-file, --jwks-uri, --issuer or --introspection-uri");
        }
        GatewayConfig.uri("--resource", resource);
        AccessToken accepted;
        try {
            accepted = Verifiers.forConfig(verifier.auth(false, false, null), verifier.checks(), resource, null, null)
                    .verify(TokenInput.read(token, System.in));
        } catch (TokenRejected e) {
            spec.commandLine().getErr().println("mcp-auth: token rejected (" + e.reason().errorCode() + "): " + e.description());
            return Main.EXIT_FAILURE;
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("valid", true);
        doc.put("subject", accepted.subject());
        doc.put("client_id", accepted.clientId());
        doc.put("scopes", accepted.scopes());
        doc.put("audiences", accepted.audiences());
        doc.put("issuer", accepted.issuer());
        doc.put("expires_at", String.valueOf(accepted.expiresAt()));
        doc.put("claims", accepted.claims());
        spec.commandLine().getOut().println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
        return 0;
    }
}
