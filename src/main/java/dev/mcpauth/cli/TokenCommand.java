package dev.mcpauth.cli;

import picocli.CommandLine.Command;

/** {@code mcp-auth token}: mint, inspect and verify access tokens. */
@Command(name = "token", mixinStandardHelpOptions = true, addMethodSubcommands = false,
        description = "Mint, inspect and verify access tokens.",
        subcommands = {TokenMintCommand.class, TokenInspectCommand.class, TokenVerifyCommand.class})
public final class TokenCommand {
}
