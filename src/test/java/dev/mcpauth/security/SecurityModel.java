package dev.mcpauth.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The rows of SECURITY.md's tables, read as data: the door, who may use it, what it trusts, the refusal tests. */
record SecurityModel(List<Row> rows) {

    static final Path FILE = Path.of("SECURITY.md");
    /** A test named in a row: {@code `ClassName#methodName`}. */
    static final Pattern TEST_REF = Pattern.compile("`([A-Z][A-Za-z0-9]*)#([a-z][A-Za-z0-9_]*)`");
    /** A route door: {@code `GET, HEAD /path`}. */
    static final Pattern ROUTE = Pattern.compile("^`((?:[A-Z]+)(?:, [A-Z]+)*) (/\\S*)`");

    record Row(int line, String door, String who, String trusts, String tests) {
        List<String[]> testRefs() {
            List<String[]> refs = new ArrayList<>();
            Matcher m = TEST_REF.matcher(tests);
            while (m.find()) {
                refs.add(new String[] {m.group(1), m.group(2)});
            }
            return refs;
        }
    }

    static SecurityModel read() {
        try {
            List<String> lines = Files.readAllLines(FILE, StandardCharsets.UTF_8);
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (!line.startsWith("|") || line.startsWith("|---") || line.startsWith("| entry point")) {
                    continue;
                }
                String[] cells = line.substring(1, line.length() - (line.endsWith("|") ? 1 : 0)).split("(?<!\\\\)\\|", -1);
                if (cells.length != 4) {
                    throw new AssertionError(FILE + ":" + (i + 1) + " has " + cells.length + " cells, not 4: " + line);
                }
                rows.add(new Row(i + 1, cells[0].strip(), cells[1].strip(), cells[2].strip(), cells[3].strip()));
            }
            return new SecurityModel(List.copyOf(rows));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Each route path the table lists, with the methods its rows allow. */
    Map<String, Set<String>> routes() {
        Map<String, Set<String>> routes = new LinkedHashMap<>();
        for (Row row : rows) {
            Matcher m = ROUTE.matcher(row.door());
            if (m.find()) {
                routes.computeIfAbsent(m.group(2), p -> new LinkedHashSet<>()).addAll(List.of(m.group(1).split(", ")));
            }
        }
        return routes;
    }

    boolean hasDoorNaming(String name) {
        return rows.stream().anyMatch(r -> r.door().contains("`" + name + "`") || r.door().contains(" " + name + "`"));
    }
}
