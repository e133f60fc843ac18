package dev.mcpauth.docs;

import dev.mcpauth.cli.EnvDefaultProvider;
import dev.mcpauth.cli.GatewayHelp;
import dev.mcpauth.cli.Main;
import dev.mcpauth.cli.VersionProvider;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.asciidoctor.Asciidoctor;
import org.asciidoctor.Options;
import org.asciidoctor.SafeMode;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Everything generated from the picocli model: man pages (roff), bash and zsh completions, and the README's
 * configuration reference. One source, so docs cannot drift from the commands; {@link Regenerate} writes the files
 * and the freshness tests compare them.
 */
public final class Docs {

    public static final String BEGIN_CONFIG = "<!-- BEGIN GENERATED CONFIG REFERENCE -->";
    public static final String END_CONFIG = "<!-- END GENERATED CONFIG REFERENCE -->";
    /** The one command that rewrites every generated file (man/, completions/, README's block). */
    public static final String REGENERATE = "dist/regenerate-docs";

    private Docs() {
    }

    /**
     * The command tree as the docs describe it: no environment defaults (docs must not depend on who generates
     * them), and a version without the git commit (else every commit would make them stale).
     */
    public static CommandLine model() {
        CommandLine cli = Main.commandTree();
        cli.getCommandSpec().versionProvider(() -> new String[] {"mcp-auth " + VersionProvider.version()});
        return cli;
    }

    /** Every documented command, parents first; picocli's {@code help} subcommand has no page. */
    public static List<CommandLine> commands() {
        List<CommandLine> all = new ArrayList<>();
        collect(model(), all);
        return all;
    }

    private static void collect(CommandLine cli, List<CommandLine> into) {
        if (cli.getCommandSpec().usageMessage().hidden() || cli.getCommand() instanceof CommandLine.HelpCommand) {
            return;
        }
        into.add(cli);
        cli.getSubcommands().values().stream().distinct().forEach(sub -> collect(sub, into));
    }

    /** File name (e.g. {@code mcp-auth-token-mint.1}) to roff text, one page per command. */
    public static Map<String, String> manPages() {
        Map<String, String> pages = new LinkedHashMap<>();
        try (Asciidoctor asciidoctor = Asciidoctor.Factory.create()) {
            for (CommandLine cli : commands()) {
                CommandSpec spec = cli.getCommandSpec();
                StringWriter adoc = new StringWriter();
                // The synopsis as one long line: man wraps it at spaces; picocli's 80 columns cut through markup.
                spec.usageMessage().width(1000);
                try (PrintWriter out = new PrintWriter(adoc)) {
                    ManPageGenerator.writeSingleManPage(out, spec);
                }
                String roff = asciidoctor.convert(manual(GatewayHelp.restore(adoc.toString())), Options.builder()
                        .backend("manpage").standalone(true).safe(SafeMode.SAFE).build());
                pages.put(spec.qualifiedName("-") + ".1", stable(roff));
            }
        }
        return pages;
    }

    /** The manual's name as the project spells it ("mcp-auth Manual", not picocli's "Mcp-auth Manual"), and labels kept literal. */
    static String manual(String adoc) {
        return adoc.replaceAll("(?m)^:man(-)?manual:.*$", ":manmanual: mcp-auth Manual")
                // A bracket inside an italic parameter label ("ID:SECRET[:SCOPES]") reads as AsciiDoc markup: escape it.
                .replaceAll("_([A-Z:]+)\\[(:[A-Z]+)]_", "_$1&#91;$2&#93;_");
    }

    /** Asciidoctor stamps the generation date and its own version; neither says anything about the commands. */
    static String stable(String roff) {
        return roff.replace("&#91;", "[").replace("&#93;", "]")
                .replaceAll("(?m)^\\.\\\\\"\\s+Generator: .*$", ".\\\\\" Generator: picocli-codegen ManPageGenerator + Asciidoctor")
                .replaceAll("(?m)^\\.\\\\\"\\s+Date: .*$", ".\\\\\"    Date: -")
                .replaceAll("(?m)^(\\.TH \"[^\"]*\" \"[^\"]*\") \"[^\"]*\"", "$1 \"\"")
                .stripTrailing() + "\n";
    }

    /** picocli's bash completion script for the whole command tree. */
    public static String bashCompletion() {
        return AutoComplete.bash("mcp-auth", model()).stripTrailing() + "\n";
    }

    /**
     * zsh completion, for a directory on {@code fpath}: zsh loads the file as the function {@code _mcp-auth} on the
     * first completion, which defines picocli's bash completion through bashcompinit and then completes once.
     */
    public static String zshCompletion() {
        String bash = bashCompletion();
        // picocli's script runs compinit itself when sourced by zsh; inside a completion function that must not happen.
        String functions = bash.replaceFirst("(?s)\\nif \\[ -n \"\\$BASH_VERSION\" ]; then\\n.*?\\nfi\\n", "\n");
        return "#compdef mcp-auth\n"
                + "# zsh completion for mcp-auth: picocli's bash completion run through zsh's bashcompinit.\n"
                + "# Generated from the picocli model; regenerate with: " + REGENERATE + "\n"
                + "autoload -U +X bashcompinit && bashcompinit\n"
                + functions
                + "_bash_complete -F _complete_mcp-auth -o default\n";
    }

    /** The Markdown configuration reference: one table per command, each option with its variable, key and default. */
    public static String configReference() {
        StringBuilder md = new StringBuilder();
        md.append("Every option can also be set as an environment variable (`MCP_AUTH_` + the option name in upper case,\n")
          .append("dashes as underscores), in a `.env` file in the working directory, or as a top-level key of `mcp-auth.yaml`\n")
          .append("(the option name without dashes in front). A flag wins over the environment, which wins over `.env`,\n")
          .append("which wins over the config file, which wins over the default.\n");
        for (CommandLine cli : commands()) {
            CommandSpec spec = cli.getCommandSpec();
            List<OptionSpec> options = spec.options().stream().filter(o -> !o.hidden() && !o.usageHelp() && !o.versionHelp()).toList();
            if (options.isEmpty()) {
                continue;
            }
            md.append("\n### `").append(spec.qualifiedName()).append("`\n\n");
            md.append("| Option | Environment variable | Config key | Default | Description |\n");
            md.append("|---|---|---|---|---|\n");
            for (OptionSpec o : options) {
                String setting = o.longestName().replaceFirst("^-+", "");
                md.append("| `").append(String.join("`, `", o.names())).append(o.typeInfo().isBoolean() ? "" : " " + o.paramLabel()).append("` | `")
                  .append(EnvDefaultProvider.variableOf(o).orElse("")).append("` | `").append(setting).append("` | ")
                  .append(o.defaultValue() == null ? (o.typeInfo().isBoolean() ? "`false`" : "") : "`" + o.defaultValue() + "`")
                  .append(" | ").append(cell(description(o))).append(" |\n");
            }
        }
        return md.toString();
    }

    private static String description(OptionSpec o) {
        String text = String.join(" ", o.description())
                .replace("${DEFAULT-VALUE}", String.valueOf(o.defaultValue()))
                .replace("%n", " ");
        // The variable has its own column.
        return text.replaceAll("\\s*Env: MCP_AUTH_[A-Z0-9_]+\\.?", "").strip();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    /** README.md with its generated block replaced, or null when README.md has no markers. */
    public static String readmeWithConfigReference(String readme) {
        int begin = readme.indexOf(BEGIN_CONFIG);
        int end = readme.indexOf(END_CONFIG);
        if (begin < 0 || end < begin) {
            return null;
        }
        return readme.substring(0, begin + BEGIN_CONFIG.length()) + "\n" + configReference() + readme.substring(end);
    }

    /** The project root: where pom.xml is, from the working directory Maven runs tests in. */
    public static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("pom.xml"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("no pom.xml above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    static String read(Path file) throws java.io.IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
