package dev.mcpauth.upstream;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One MCP server put behind the gateway: either a child process spoken to over stdio, or a Streamable HTTP URL.
 *
 * @param name               short name: the catalog source is {@code upstream:<name>}, the log is {@code upstream.<name>},
 *                           and with {@code prefix} its tools are exposed as {@code <name>__<tool>}
 * @param command            stdio: the program and its arguments (run without a shell); null for HTTP
 * @param env                stdio: variables added to the gateway's environment for the child
 * @param workingDirectory   stdio: the child's working directory; null for the gateway's
 * @param url                Streamable HTTP: the MCP endpoint; null for stdio
 * @param credentials        HTTP: what the gateway presents (never the caller's token)
 * @param callTimeout        how long one {@code tools/call} may take, waiting for a free slot included
 * @param maxConcurrentCalls calls in flight at once; more wait for a slot until their timeout
 * @param prefix             expose tools as {@code <name>__<tool>} (so that several sources cannot clash)
 * @param era                HTTP: which protocol era to speak ({@link Era#AUTO}: see {@link EraNegotiatingTransport})
 */
public record UpstreamSpec(
        String name,
        List<String> command,
        Map<String, String> env,
        Path workingDirectory,
        URI url,
        UpstreamCredentials credentials,
        Duration callTimeout,
        int maxConcurrentCalls,
        boolean prefix,
        Era era) {

    /** The protocol era spoken to an HTTP upstream. */
    public enum Era {
        /**
         * The 2025 revision the connection's client speaks when the upstream still offers it, else 2026-07-28 when
         * {@code server/discover} says the upstream speaks it, else the 2025 era ({@link EraNegotiatingTransport}).
         */
        AUTO,
        /** 2026-07-28 only: an upstream that does not answer {@code server/discover} fails to connect. */
        MODERN,
        /** The 2025 era (initialize and a session), without asking {@code server/discover}. */
        LEGACY;

        /** The words that choose an era ({@code connect --protocol}, {@code upstreams[].protocol}), as users read them. */
        public static final String WORDS = "auto, 2026-07-28 or legacy";

        /** The era a word names: {@value #WORDS} (and the 2025 revisions' own dates for legacy). */
        public static java.util.Optional<Era> named(String word) {
            return java.util.Optional.ofNullable(switch (word) {
                case "auto" -> AUTO;
                case "2026-07-28" -> MODERN;
                case "legacy", "2025-11-25", "2025-06-18" -> LEGACY;
                default -> null;
            });
        }
    }

    /** An upstream whose era is negotiated ({@link Era#AUTO}). */
    public UpstreamSpec(String name, List<String> command, Map<String, String> env, Path workingDirectory, URI url,
                        UpstreamCredentials credentials, Duration callTimeout, int maxConcurrentCalls, boolean prefix) {
        this(name, command, env, workingDirectory, url, credentials, callTimeout, maxConcurrentCalls, prefix, Era.AUTO);
    }

    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_MAX_CONCURRENT_CALLS = 16;
    /** Between the upstream's name and its tool's name in an exposed tool name. */
    public static final String SEPARATOR = "__";

    // Letters, digits, '-' and '_' (no "__", which separates the prefix): safe in tool names, scopes globs and logger names.
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]|_(?!_))*");

    public UpstreamSpec {
        if (name == null || !NAME.matcher(name).matches() || name.endsWith("_")) {
            throw new IllegalArgumentException("upstream name '" + name + "' must be letters, digits, '-' or single '_' (e.g. 'fs' or 'git-repo')");
        }
        if ((command == null) == (url == null)) {
            throw new IllegalArgumentException("upstream '" + name + "' needs exactly one of a command (stdio) or a url (Streamable HTTP)");
        }
        if (command != null && (command.isEmpty() || command.getFirst().isBlank())) {
            throw new IllegalArgumentException("upstream '" + name + "' has an empty command");
        }
        command = command == null ? null : List.copyOf(command);
        env = env == null ? Map.of() : Map.copyOf(env);
        credentials = credentials == null ? new UpstreamCredentials.None() : credentials;
        if (url != null) {
            checkUrl(name, url, credentials);
        } else if (!(credentials instanceof UpstreamCredentials.None)) {
            throw new IllegalArgumentException("upstream '" + name + "' runs over stdio: credentials apply to HTTP upstreams only (pass secrets through env)");
        }
        callTimeout = callTimeout == null ? DEFAULT_CALL_TIMEOUT : callTimeout;
        if (callTimeout.isNegative() || callTimeout.isZero()) {
            throw new IllegalArgumentException("upstream '" + name + "' call timeout must be positive");
        }
        if (maxConcurrentCalls < 1) {
            throw new IllegalArgumentException("upstream '" + name + "' max concurrent calls must be at least 1");
        }
        era = era == null ? Era.AUTO : era;
    }

    /** A stdio upstream with the default timeout and concurrency, tools prefixed. */
    public static UpstreamSpec stdio(String name, List<String> command) {
        return new UpstreamSpec(name, command, Map.of(), null, null, null, DEFAULT_CALL_TIMEOUT, DEFAULT_MAX_CONCURRENT_CALLS, true);
    }

    /** A Streamable HTTP upstream with the default timeout and concurrency, tools prefixed. */
    public static UpstreamSpec http(String name, URI url, UpstreamCredentials credentials) {
        return new UpstreamSpec(name, null, Map.of(), null, url, credentials, DEFAULT_CALL_TIMEOUT, DEFAULT_MAX_CONCURRENT_CALLS, true);
    }

    public UpstreamSpec withEnv(Map<String, String> newEnv) {
        return new UpstreamSpec(name, command, newEnv, workingDirectory, url, credentials, callTimeout, maxConcurrentCalls, prefix, era);
    }

    public UpstreamSpec withWorkingDirectory(Path dir) {
        return new UpstreamSpec(name, command, env, dir, url, credentials, callTimeout, maxConcurrentCalls, prefix, era);
    }

    public UpstreamSpec withCallTimeout(Duration timeout) {
        return new UpstreamSpec(name, command, env, workingDirectory, url, credentials, timeout, maxConcurrentCalls, prefix, era);
    }

    public UpstreamSpec withMaxConcurrentCalls(int max) {
        return new UpstreamSpec(name, command, env, workingDirectory, url, credentials, callTimeout, max, prefix, era);
    }

    public UpstreamSpec withPrefix(boolean prefixed) {
        return new UpstreamSpec(name, command, env, workingDirectory, url, credentials, callTimeout, maxConcurrentCalls, prefixed, era);
    }

    public UpstreamSpec withEra(Era spoken) {
        return new UpstreamSpec(name, command, env, workingDirectory, url, credentials, callTimeout, maxConcurrentCalls, prefix, spoken);
    }

    public boolean isStdio() {
        return command != null;
    }

    /** The catalog source this upstream's tools are registered under. */
    public String source() {
        return "upstream:" + name;
    }

    /** The name the gateway exposes for the upstream's tool {@code upstreamTool}. */
    public String exposedName(String upstreamTool) {
        return prefix ? name + SEPARATOR + upstreamTool : upstreamTool;
    }

    /**
     * The lead's rule for {@code prefix}: tools are unprefixed only when this is the gateway's only source of tools
     * (a single upstream and no built-in tools), so that names stay unique when sources are combined.
     */
    public static boolean prefixNeeded(int upstreamCount, boolean builtinTools) {
        return upstreamCount > 1 || builtinTools;
    }

    @Override
    public String toString() {
        // The environment may hold secrets: show the variable names only.
        return "UpstreamSpec[name=" + name + ", " + (isStdio() ? "command=" + command + ", env=" + env.keySet() + ", dir=" + workingDirectory : "url=" + url + ", credentials=" + credentials)
                + ", callTimeout=" + callTimeout + ", maxConcurrentCalls=" + maxConcurrentCalls + ", prefix=" + prefix + ", era=" + era + "]";
    }

    private static void checkUrl(String name, URI url, UpstreamCredentials credentials) {
        String scheme = Objects.requireNonNullElse(url.getScheme(), "").toLowerCase();
        if (!scheme.equals("https") && !scheme.equals("http") || url.getHost() == null) {
            throw new IllegalArgumentException("upstream '" + name + "' url " + url + " must be an absolute http(s) URL");
        }
        // Bearer tokens must not cross the network in clear text (RFC 6750 section 5.3).
        if (scheme.equals("http") && !(credentials instanceof UpstreamCredentials.None) && !isLoopback(url)) {
            throw new IllegalArgumentException("upstream '" + name + "' sends credentials: its url must use https (plain http only on loopback)");
        }
    }

    static boolean isLoopback(URI uri) {
        String host = uri.getHost();
        if (host == null) {
            return false;
        }
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            // Only literal addresses are checked (no DNS lookup): a name other than localhost is not loopback.
            return host.matches("[0-9.]+|\\[[0-9a-fA-F:.]+]") && InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
