package dev.mcpauth.cli;

import dev.mcpauth.config.ConfigException;
import dev.mcpauth.config.GatewayConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code --upstream [NAME=]COMMAND|URL}: one upstream MCP server from the command line. */
final class UpstreamArgument {

    private static final Pattern NAMED = Pattern.compile("([A-Za-z0-9][A-Za-z0-9_-]{0,31})=(.+)", Pattern.DOTALL);

    private UpstreamArgument() {
    }

    static GatewayConfig.UpstreamConfig parse(String value, String defaultName) {
        String name = defaultName;
        String target = value.strip();
        Matcher m = NAMED.matcher(target);
        if (m.matches() && !m.group(1).contains("/")) {
            name = m.group(1);
            target = m.group(2).strip();
        }
        if (target.startsWith("http://") || target.startsWith("https://")) {
            return new GatewayConfig.UpstreamConfig(name, List.of(), GatewayConfig.uri("--upstream", target), null, Map.of(),
                    Duration.ofSeconds(60), 16);
        }
        List<String> command = words(target);
        if (command.isEmpty()) {
            throw new ConfigException("--upstream needs a command line or an http(s) URL, got '" + value + "'");
        }
        return new GatewayConfig.UpstreamConfig(name, command, null, null, Map.of(), Duration.ofSeconds(60), 16);
    }

    /** Splits a command line into words as a POSIX shell would for quoting only: no expansion, no operators. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < line.length() && "\"\\".indexOf(line.charAt(i + 1)) >= 0) {
                    word.append(line.charAt(++i));
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new ConfigException("--upstream command has an unclosed " + quote + " quote: " + line);
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
