package dev.mcpauth.cli;

import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the version, the git commit it was built from, and the Java runtime. */
public final class VersionProvider implements IVersionProvider {

    public static String version() {
        return info().getProperty("version", "dev");
    }

    public static String commit() {
        return info().getProperty("commit", "unknown");
    }

    @Override
    public String[] getVersion() {
        return new String[] {
            "mcp-auth " + version() + " (commit " + commit() + ")",
            "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ", " + System.getProperty("java.vendor") + ")"
        };
    }

    private static Properties info() {
        Properties p = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("/mcp-auth-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (java.io.IOException ignored) {
            // fall back to "dev"
        }
        return p;
    }
}
