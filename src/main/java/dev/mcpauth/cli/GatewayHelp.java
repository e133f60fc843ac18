package dev.mcpauth.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Ansi.IStyle;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Help.ColorScheme;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The help of every command (and the man pages, made from the same renderers): each option that a variable feeds
 * says so ("Env: MCP_AUTH_PORT."), derived from {@link EnvDefaultProvider#variableOf} rather than written in each
 * description, so the note cannot drift from what works; and lines wrap at spaces only ({@link WholeWords}).
 */
public final class GatewayHelp extends Help {

    /** A note written by hand in a description (as options did before): dropped, so the derived one is shown once. */
    private static final Pattern WRITTEN_NOTE = Pattern.compile("\\s*Env: MCP_AUTH_[A-Z0-9_]+\\.?");

    /** A width at which nothing wraps. */
    private static final int UNWRAPPED = 10_000;

    private final IParamLabelRenderer labels;

    public GatewayHelp(CommandSpec spec, ColorScheme scheme) {
        super(spec, scheme);
        this.labels = wholeLabels(super.parameterLabelRenderer(), spec);
    }

    /** Makes {@code cli} and its subcommands render their help through this class. */
    public static CommandLine install(CommandLine cli) {
        return cli.setHelpFactory(GatewayHelp::new);
    }

    /** The note an option's description ends with, if a variable feeds it; on one line. */
    static Optional<String> note(OptionSpec option) {
        return EnvDefaultProvider.variableOf(option).map(variable -> WholeWords.joined("Env:", variable) + ".");
    }

    /** The last line of an option's description with the note after it. */
    private static String withNote(String text, OptionSpec option) {
        return note(option).map(n -> text.isEmpty() ? n : text + " " + n).orElse(text);
    }

    @Override
    public IParamLabelRenderer parameterLabelRenderer() {
        return labels;
    }

    @Override
    public IParamLabelRenderer createDefaultParamLabelRenderer() {
        return wholeLabels(super.createDefaultParamLabelRenderer(), commandSpec());
    }

    @Override
    public IOptionRenderer createDefaultOptionRenderer() {
        IOptionRenderer plain = super.createDefaultOptionRenderer();
        return (option, labelRenderer, scheme) -> {
            Text[][] rows = plain.render(option, labelRenderer, scheme);
            int last = rows.length - 1;
            for (int i = 0; i <= last; i++) {
                String description = WRITTEN_NOTE.matcher(rows[i][4].plainString()).replaceAll("");
                if (i == last) {
                    description = withNote(description, option);
                }
                rows[i][4] = wholeText(description, scheme);
            }
            return rows;
        };
    }

    @Override
    public IParameterRenderer createDefaultParameterRenderer() {
        IParameterRenderer plain = super.createDefaultParameterRenderer();
        return (param, labelRenderer, scheme) -> {
            Text[][] rows = plain.render(param, labelRenderer, scheme);
            for (Text[] row : rows) {
                row[row.length - 1] = wholeText(row[row.length - 1].plainString(), scheme);
            }
            return rows;
        };
    }

    /**
     * The synopsis, its continuation lines under the command name; but where one of its items ({@code
     * [--client=ID:SECRET[:SCOPES][,ID:SECRET[:SCOPES]...]]...}) is longer than the room there, which picocli would
     * cut, under "Usage:" instead.
     */
    @Override
    public String synopsis(int synopsisHeadingLength) {
        UsageMessageSpec usage = commandSpec().usageMessage();
        int width = usage.width();
        int longest;
        try {
            usage.width(UNWRAPPED);
            longest = Arrays.stream(super.synopsis(synopsisHeadingLength).split("\\s+")).mapToInt(String::length).max().orElse(0);
        } finally {
            usage.width(width);
        }
        int indent = synopsisHeadingLength + commandSpec().qualifiedName().length() + 1;
        if (indent + longest <= width) {
            return WholeWords.restore(super.synopsis(synopsisHeadingLength));
        }
        double threshold = usage.synopsisAutoIndentThreshold();
        try {
            usage.synopsisAutoIndentThreshold(0);
            return WholeWords.restore(super.synopsis(synopsisHeadingLength));
        } finally {
            usage.synopsisAutoIndentThreshold(threshold);
        }
    }

    @Override
    public String optionList() {
        return WholeWords.restore(super.optionList());
    }

    @Override
    public String parameterList() {
        return WholeWords.restore(super.parameterList());
    }

    @Override
    public String endOfOptionsList() {
        return WholeWords.restore(super.endOfOptionsList());
    }

    @Override
    public String atFileParameterList() {
        return WholeWords.restore(super.atFileParameterList());
    }

    /** The man page generator prints renderer output directly: its text, restored. */
    public static String restore(String rendered) {
        return WholeWords.restore(rendered);
    }

    private static Text wholeText(String plain, ColorScheme scheme) {
        return scheme.ansi().new Text(WholeWords.protect(plain), scheme);
    }

    private static IParamLabelRenderer wholeLabels(IParamLabelRenderer plain, CommandSpec spec) {
        return new IParamLabelRenderer() {
            @Override
            public Text renderParameterLabel(ArgSpec arg, Help.Ansi ansi, List<IStyle> styles) {
                Text label = plain.renderParameterLabel(arg, ansi, styles);
                // The scheme picocli's renderer styles labels with (its reset differs, e.g. in the man page generator).
                ColorScheme scheme = spec.commandLine() == null ? Help.defaultColorScheme(ansi) : spec.commandLine().getColorScheme();
                return WholeWords.protect(label, scheme, styles);
            }

            @Override
            public String separator() {
                return plain.separator();
            }
        };
    }
}
