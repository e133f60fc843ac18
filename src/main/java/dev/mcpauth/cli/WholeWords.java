package dev.mcpauth.cli;

import java.util.List;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Help.Ansi.IStyle;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Help.ColorScheme;

/**
 * Keeps paths, URLs and labels whole when picocli wraps help text. picocli breaks lines where
 * {@link java.text.BreakIterator#getLineInstance()} allows, which is after {@code .}, {@code /}, {@code :} and before
 * {@code [} ({@code ./mcp-auth.⏎yaml}, {@code http:⏎//host}, {@code AUD[,⏎AUD...]}). Before layout each such
 * character is swapped for a private-use character the iterator treats as a letter, so lines break at spaces only;
 * after layout the swap is undone ({@link #restore}). Both have the same width, so the columns stay as laid out.
 */
final class WholeWords {

    /** Private-use area: {@code c} stands in as {@code BASE + c}; never printed, as every rendered string is restored. */
    private static final char BASE = '\uE000';

    private WholeWords() {
    }

    /** {@code text} with every ASCII punctuation character but {@code =} (picocli looks for it in labels) swapped. */
    static String protect(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(c > ' ' && c < 0x7f && c != '=' && !Character.isLetterOrDigit(c) ? (char) (BASE + c) : c);
        }
        return out.toString();
    }

    /** {@code first} and {@code second} with a space between them that no line breaks at ("Env: MCP_AUTH_PORT"). */
    static String joined(String first, String second) {
        return first + (char) (BASE + ' ') + second;
    }

    /** The text as written: every swapped character back. */
    static String restore(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(c >= BASE + ' ' && c < BASE + 0x7f ? (char) (c - BASE) : c);
        }
        return out.toString();
    }

    /**
     * {@code text} protected, keeping its colours: each run of characters picocli styled gets {@code styles} again (a
     * parameter label is styled in its names, not in its brackets and commas), the rest stays plain.
     */
    static Text protect(Text text, ColorScheme scheme, List<IStyle> styles) {
        Ansi ansi = scheme.ansi();
        String plain = text.plainString();
        Text out = ansi.new Text("", scheme);
        int start = 0;
        while (start < plain.length()) {
            boolean styled = styled(text, plain, start);
            int end = start + 1;
            while (end < plain.length() && styled(text, plain, end) == styled) {
                end++;
            }
            String piece = protect(plain.substring(start, end));
            out = out.concat(styled && !styles.isEmpty() ? scheme.apply(piece, styles) : ansi.new Text(piece, scheme));
            start = end;
        }
        return out;
    }

    private static boolean styled(Text text, String plain, int at) {
        return !text.substring(at, at + 1).toString().equals(plain.substring(at, at + 1));
    }
}
