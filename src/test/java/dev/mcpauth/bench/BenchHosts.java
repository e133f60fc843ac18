package dev.mcpauth.bench;

/** Every bench server binds loopback only: the suite never sends load anywhere else. */
public final class BenchHosts {

    public static final String LOOPBACK = "127.0.0.1";

    private BenchHosts() {
    }

    /** The line bench/run.sh waits for before it starts a load. */
    public static void ready(String what, int port) {
        System.out.println("READY " + what + " " + port);
        System.out.flush();
    }
}
