package dev.mcpauth.cli;

import picocli.CommandLine.Command;

/** {@code mcp-auth token}: mint, inspect and verify access tokens. Its commands are registered in
 * {@link Main#GROUP_MEMBERS}, so that a command line builds only the one it names.
 */
@Command(name = "token", mixinStandardHelpOptions = true, addMethodSubcommands = false,
        description = "Mint, inspect and verify access tokens.")
public final class TokenCommand {
}
