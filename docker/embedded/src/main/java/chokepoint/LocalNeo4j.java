package chokepoint;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.jar.JarFile;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.api.procedure.GlobalProcedures;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.procedure.Procedure;
import org.neo4j.procedure.UserAggregationFunction;
import org.neo4j.procedure.UserFunction;

/**
 * Chokepoint's local Neo4j: the embedded DBMS with Bolt on 127.0.0.1 and authentication on.
 *
 * Usage: java -jar chokepoint-neo4j.jar --data DIR --port N [--pagecache 512m] [--procedures LIST]
 *        [--tx-timeout SECONDS] [--tx-memory SIZE] [--import-dir DIR]
 * --procedures: dbms.security.procedures.allowlist (comma-separated names or globs; empty: no plugin
 * procedure or function is loaded). --tx-timeout: db.transaction.timeout (default 900 s; 0 = none).
 * --tx-memory: db.memory.transaction.max (default a quarter of the heap). --import-dir: the only
 * directory LOAD CSV may read file:/// URLs from (benchmarks only); without it file URLs are refused.
 * The password for user neo4j comes from the environment variable CHOKEPOINT_NEO4J_PASSWORD
 * (never from the command line, where other users could read it).
 *
 * Prints one line "chokepoint-neo4j: ready bolt://127.0.0.1:N neo4j=VERSION apoc=COUNT" when Bolt
 * accepts connections. Exit codes: 2 bad arguments, 3 port taken, 4 store locked, 5 other start failure.
 * SIGTERM (or Ctrl-C) shuts the DBMS down cleanly before the JVM exits.
 */
public final class LocalNeo4j {
    private static final String TAG = "chokepoint-neo4j: ";

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parse(args);
        Path data = Path.of(opts.getOrDefault("--data", "")).toAbsolutePath();
        int port = Integer.parseInt(opts.getOrDefault("--port", "7687"));
        String password = System.getenv("CHOKEPOINT_NEO4J_PASSWORD");
        if (opts.get("--data") == null || password == null || password.length() < 8) {
            fail(2, "usage: --data DIR --port N, with CHOKEPOINT_NEO4J_PASSWORD (8+ chars) in the environment");
        }
        if (!portFree(port)) {
            fail(3, "port " + port + " on 127.0.0.1 is already in use; choose another with --port");
        }
        Files.createDirectories(data);
        List<String> allowlist = new ArrayList<>();
        for (String name : opts.getOrDefault("--procedures", "").split(",")) {
            if (!name.isBlank()) allowlist.add(name.strip());
        }
        long txTimeout = Long.parseLong(opts.getOrDefault("--tx-timeout", "900"));
        long txMemory = opts.containsKey("--tx-memory") ? ByteUnit.parse(opts.get("--tx-memory"))
                : Runtime.getRuntime().maxMemory() / 4;
        String importDir = opts.get("--import-dir");
        // APOC's own file switches (off by default; said explicitly): no export to, or import from, files
        System.setProperty("apoc.export.file.enabled", "false");
        System.setProperty("apoc.import.file.enabled", "false");
        System.setProperty("apoc.import.file.use_neo4j_config", "true");

        DatabaseManagementService dbms;
        try {
            dbms = new DatabaseManagementServiceBuilder(data)
                    .setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                    .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                    .setConfig(HttpConnector.enabled, false)
                    .setConfig(GraphDatabaseSettings.auth_enabled, true)
                    // only the procedures and functions the product uses are loaded (graph/readonly.py)
                    .setConfig(GraphDatabaseSettings.procedure_allowlist, allowlist)
                    // LOAD CSV may not read server files, unless a benchmark names its import directory
                    .setConfig(GraphDatabaseSettings.allow_file_urls, importDir != null)
                    .setConfig(GraphDatabaseSettings.load_csv_file_url_root,
                            importDir != null ? Path.of(importDir).toAbsolutePath() : data.resolve("no-import"))
                    // a runaway transaction stops on the server, even when its client is gone
                    .setConfig(GraphDatabaseSettings.transaction_timeout, java.time.Duration.ofSeconds(txTimeout))
                    .setConfig(GraphDatabaseSettings.memory_transaction_max_size, txMemory)
                    .setConfig(GraphDatabaseSettings.pagecache_memory,
                            ByteUnit.parse(opts.getOrDefault("--pagecache", "512m")))
                    .build();
        } catch (Throwable e) {
            if (causedBy(e, "FileLockException") || String.valueOf(rootMessage(e)).contains("lock")) {
                fail(4, "the store in " + data + " is locked by another Neo4j process; stop it first ("
                        + rootMessage(e) + ")");
            }
            fail(5, "Neo4j did not start: " + rootMessage(e));
            return;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dbms.shutdown();
            System.out.println(TAG + "stopped");
            stopped.countDown();
        }, "chokepoint-neo4j-shutdown"));

        int apoc;
        try {
            GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
            setPassword(system, password);
            GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
            apoc = registerApoc((GraphDatabaseAPI) db, allowlist);
        } catch (Throwable e) {
            fail(5, "Neo4j started but could not be set up: " + rootMessage(e));
            return;
        }
        String version = org.neo4j.kernel.internal.Version.getNeo4jVersion();
        System.out.println(TAG + "ready bolt://127.0.0.1:" + port + " neo4j=" + version + " apoc=" + apoc);
        System.out.flush();
        stopped.await();
    }

    /** Sets neo4j's password; a restart with the password it already has is fine. */
    private static void setPassword(GraphDatabaseService system, String password) {
        try {
            system.executeTransactionally("ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
        } catch (RuntimeException e) {
            if (!String.valueOf(rootMessage(e)).contains("Old password and new password cannot be the same")) {
                throw e;
            }
        }
    }

    /**
     * Registers the APOC core procedure and function classes the allowlist admits; returns how many
     * classes registered. Neo4j applies dbms.security.procedures.allowlist to each function itself, but
     * not to procedures registered this way: a class's procedures are registered only when the allowlist
     * admits every one of them.
     */
    private static int registerApoc(GraphDatabaseAPI db, List<String> allowlist) {
        GlobalProcedures procs = db.getDependencyResolver().resolveDependency(GlobalProcedures.class);
        int registered = 0;
        List<String> skipped = new ArrayList<>();
        for (String name : apocClassNames()) {
            try {
                Class<?> cls = Class.forName(name, false, LocalNeo4j.class.getClassLoader());
                boolean proc = false, func = false, agg = false, allowed = true;
                for (Method m : cls.getDeclaredMethods()) {
                    Procedure p = m.getAnnotation(Procedure.class);
                    if (p != null) {
                        proc = true;
                        String named = !p.name().isEmpty() ? p.name() : !p.value().isEmpty() ? p.value()
                                : cls.getPackageName() + "." + m.getName();
                        allowed &= admitted(named, allowlist);
                    }
                    func |= m.isAnnotationPresent(UserFunction.class);
                    agg |= m.isAnnotationPresent(UserAggregationFunction.class);
                }
                proc &= allowed;
                if (proc) procs.registerProcedure(cls);
                if (func) procs.registerFunction(cls);
                if (agg) procs.registerAggregationFunction(cls);
                if (proc || func || agg) registered++;
            } catch (Throwable e) {
                skipped.add(name.substring(name.lastIndexOf('.') + 1));
            }
        }
        if (!skipped.isEmpty()) {
            // Arrow import/export needs Apache Arrow, which the launcher does not bundle.
            System.err.println(TAG + "APOC classes not registered (missing optional libraries): " + skipped);
        }
        return registered;
    }

    /** Whether a name matches one of the allowlist's entries (names, or globs with * and ?). */
    private static boolean admitted(String name, List<String> allowlist) {
        for (String entry : allowlist) {
            String regex = ("\\Q" + entry + "\\E").replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q");
            if (name.matches(regex)) return true;
        }
        return false;
    }

    private static List<String> apocClassNames() {
        List<String> names = new ArrayList<>();
        try {
            Path jar = Path.of(apoc.CoreApocGlobalComponents.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            try (JarFile jf = new JarFile(jar.toFile())) {
                jf.stream().map(e -> e.getName())
                        .filter(n -> n.startsWith("apoc/") && n.endsWith(".class") && !n.contains("$"))
                        .forEach(n -> names.add(n.substring(0, n.length() - 6).replace('/', '.')));
            }
        } catch (Exception e) {
            System.err.println(TAG + "APOC jar not found, no APOC procedures: " + rootMessage(e));
        }
        return names;
    }

    private static boolean portFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true); // a stopped server's TIME_WAIT connections do not make the port busy
            s.bind(new java.net.InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> opts = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i], args[i + 1]);
        }
        return opts;
    }

    private static boolean causedBy(Throwable e, String simpleName) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getClass().getSimpleName().equals(simpleName)) return true;
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) t = t.getCause();
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    private static void fail(int code, String message) {
        System.err.println(TAG + message);
        System.exit(code);
    }
}
