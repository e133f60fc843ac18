package dev.mcpauth.authserver;

import java.util.Map;

/** The demo user directory: username → password from the config, checked without timing leaks. */
final class DemoUsers {
    private DemoUsers() {
    }

    /** Constant-time for known and unknown usernames alike, so timing does not reveal which users exist. */
    static boolean check(Map<String, String> users, String username, String password) {
        if (username == null || password == null) {
            return false;
        }
        String expected = users.get(username);
        boolean match = Secrets.constantTimeEquals(password, expected != null ? expected : "\u0000no-such-user");
        return expected != null && match;
    }
}
