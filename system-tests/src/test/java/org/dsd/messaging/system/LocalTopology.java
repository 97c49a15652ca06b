package org.dsd.messaging.system;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.collection.IQueue;
import com.hazelcast.core.HazelcastInstance;
import org.dsd.messaging.cluster.HazelcastConfigs;
import org.dsd.messaging.cluster.HazelcastProperties;
import org.dsd.messaging.testing.Await;
import org.dsd.messaging.testing.Http;

/**
 * The seed topology as real processes, each started by {@code ./topology run} from the built app jars (the
 * launcher users run, with its app copies and class sharing archives), on free loopback ports, a cluster name and
 * Hazelcast ports of its own. Every process it started is killed on {@link #close()}, and by a shutdown hook if
 * the test JVM exits first.
 */
final class LocalTopology implements AutoCloseable {

    private static final Path ROOT = Path.of(System.getProperty("topology.root", ".."));
    private static final String VERSION = System.getProperty("topology.version", "1.0.0-SNAPSHOT");
    static final Path LOGS = Path.of(System.getProperty("topology.logs", "target/topology-logs"));
    /** {@code ./topology}'s directory for pid files and app copies (with their class sharing archives). */
    private static final Path RUN = Path.of(System.getProperty("topology.run", "target/topology-run"));
    private static final int FIRST_MEMBER_PORT = Integer.getInteger("topology.memberPort", 5761);
    private static final Random RANDOM = new Random();
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private final String name;
    private final List<String> extraArgs;
    private final String clusterName = "system-test-" + UUID.randomUUID();
    /** The management login of every instance (user {@code user}), as {@code ./topology} sets one for all. */
    private final String managementPassword = UUID.randomUUID().toString();
    private final List<Instance> instances = new ArrayList<>();
    private final List<HazelcastInstance> clients = new ArrayList<>();
    private final Thread killOnExit = new Thread(this::killAll);

    /** One app process; its ports stay the same across restarts. */
    final class Instance implements Target {
        final String app;
        final int port;
        /** Its Hazelcast member port; 0 for one that joins as a client. */
        final int memberPort;
        /** Settings ({@code --key=value}) of this instance alone. */
        private final List<String> ownSettings;
        private Process process;

        private Instance(String app, int port, int memberPort, List<String> ownSettings) {
            this.app = app;
            this.port = port;
            this.memberPort = memberPort;
            this.ownSettings = ownSettings;
        }

        String url() {
            return "http://127.0.0.1:" + port;
        }

        /** Hawtio, Jolokia and metrics: the app's port + 1000, behind the login. */
        int managementPort() {
            return port + 1000;
        }

        String managementUrl() {
            return "http://127.0.0.1:" + managementPort();
        }

        @Override
        public Process process() {
            return process;
        }

        @Override
        public String name() {
            return app + "-" + port;
        }

        @Override
        public String service() {
            return app;
        }

        boolean isAlive() {
            return process != null && process.isAlive();
        }

        /** Through {@code ./topology run}, as {@code ./topology start} runs every instance: its process is the JVM. */
        @Override
        public void start() {
            List<String> command = new ArrayList<>(List.of("bash", ROOT.resolve("topology").toString(), "run",
                    name(),
                    "--app.hazelcast.cluster-name=" + clusterName,
                    "--app.hazelcast.members=" + memberAddresses()));
            if (memberPort > 0) {
                command.add("--app.hazelcast.port=" + memberPort);
            }
            command.addAll(extraArgs);
            command.addAll(ownSettings);
            try {
                Files.createDirectories(LOGS.resolve(LocalTopology.this.name));
                File log = log().toFile();
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log));
                Map<String, String> environment = builder.environment();
                environment.remove("APP_ARGS");
                // C1 only: six JVMs beside the test's own and its load on two cores spend less on compiling.
                environment.put("JAVA_OPTS", "-Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
                environment.put("TOPOLOGY_RUN", RUN.toAbsolutePath().toString());
                environment.put("TOPOLOGY_APP_JAR", appJar(app).toAbsolutePath().toString());
                environment.put("PATH", Path.of(javaBinary()).getParent() + File.pathSeparator
                        + environment.getOrDefault("PATH", ""));
                environment.put("SPRING_SECURITY_USER_NAME", "user");
                environment.put("SPRING_SECURITY_USER_PASSWORD", managementPassword);
                process = builder.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Whether it records its app's class sharing archive, which it writes as it exits after SIGTERM. */
        boolean isRecordingArchive() {
            return isAlive() && process.info().arguments().stream().flatMap(Arrays::stream)
                    .anyMatch(argument -> argument.startsWith("-XX:ArchiveClassesAtExit="));
        }

        /** SIGTERM: the app shuts down gracefully; a member hands its partitions over first. */
        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                throw new AssertionError(name() + " did not stop within 90s of SIGTERM");
            }
        }

        @Override
        public void awaitReady() {
            Await.until(Duration.ofMinutes(3), name() + " ready", () -> {
                if (!isAlive()) {
                    throw new AssertionError(name() + " exited with " + process.exitValue() + " (" + lastErrors()
                            + "); see " + LOGS.resolve(LocalTopology.this.name));
                }
                return isReady();
            });
        }

        /** What CI prints of a failure is its summary line: the log's error lines, on one line. */
        private String lastErrors() {
            try {
                List<String> errors = logLines(line -> line.contains("ERROR") || line.contains("Exception")
                        || line.startsWith("Description") || line.startsWith("Caused by"));
                return String.join(" | ", errors.subList(Math.max(0, errors.size() - 4), errors.size()));
            } catch (IOException e) {
                return "log unreadable: " + e;
            }
        }

        private List<String> logLines(Predicate<String> wanted) throws IOException {
            try (var lines = Files.lines(log(), StandardCharsets.ISO_8859_1)) {
                return lines.filter(wanted).toList();
            }
        }

        private Path log() {
            return LOGS.resolve(LocalTopology.this.name).resolve(name() + ".log");
        }

        /** Lines of its log that contain {@code text}. */
        long logLinesContaining(String text) {
            return logLinesWith(text).size();
        }

        List<String> logLinesWith(String text) {
            try {
                return logLines(line -> line.contains(text));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        boolean isReady() {
            return status("/actuator/health/readiness") == 200;
        }

        private int status(String path) {
            try {
                return Http.get(url() + path).status();
            } catch (AssertionError notListeningYet) {
                return 0;
            }
        }
    }

    LocalTopology(String name, List<String> extraArgs) {
        this.name = name;
        this.extraArgs = extraArgs;
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /**
     * The seed topology: 3 logging (members), 2 messages and the facade; started and ready. {@code settings}
     * ({@code --key=value}) go to every instance.
     */
    static LocalTopology seed(String name, String... settings) {
        LocalTopology topology = new LocalTopology(name, List.of(settings));
        for (int i = 0; i < 3; i++) {
            topology.add("logging", FIRST_MEMBER_PORT + i);
        }
        // Messages instances are lite members: ports of their own, away from the logging members'.
        topology.add("messages", FIRST_MEMBER_PORT + 10);
        topology.add("messages", FIRST_MEMBER_PORT + 11);
        topology.add("facade", 0);
        try {
            topology.logging().forEach(Instance::start);
            topology.logging().forEach(Instance::awaitReady);
            List<Instance> clients = topology.instances.stream().filter(i -> !i.app.equals("logging")).toList();
            clients.forEach(Instance::start);
            clients.forEach(Instance::awaitReady);
            // Ready is each instance's own state; the facade reads the registry into its view every second.
            topology.awaitFacadeSeesEveryInstance();
            return topology;
        } catch (RuntimeException | Error startFailed) {
            topology.close();
            throw startFailed;
        }
    }

    private Instance add(String app, int memberPort, String... settings) {
        Instance instance = new Instance(app, freePort(), memberPort, List.of(settings));
        instances.add(instance);
        return instance;
    }

    /** Starts one more instance of {@code app} on a port nobody was told of, and waits until it is ready. */
    Instance startAnother(String app) {
        // Member ports: the logging instances' from the first on, the messages instances' from the first + 10.
        int memberPort = FIRST_MEMBER_PORT + (app.equals("messages") ? 10 : 0) + byApp(app).size();
        return started(add(app, app.equals("facade") ? 0 : memberPort));
    }

    /** {@link #startAnother}, joining the cluster as a Hazelcast client: it holds no data. */
    Instance startAnotherAsClient(String app) {
        return started(add(app, 0, "--app.hazelcast.mode=client"));
    }

    private static Instance started(Instance instance) {
        instance.start();
        instance.awaitReady();
        return instance;
    }

    /** Until the facade's view lists every logging and messages instance: each registers once it can serve. */
    void awaitFacadeSeesEveryInstance() {
        Await.until(Duration.ofSeconds(30), "the facade's view of every logging and messages instance",
                () -> registered("logging-service").containsAll(urls(logging()))
                        && registered("messages-service").containsAll(urls(messages())));
    }

    /** The instances' base URLs, as they register them. */
    static List<String> urls(List<Instance> instances) {
        return instances.stream().map(Instance::url).toList();
    }

    /** The base URLs of a service's instances, as the facade's registry view has them. */
    List<String> registered(String service) {
        List<String> urls = new ArrayList<>();
        Http.get(facade().url() + "/services/" + service).json().forEach(url -> urls.add(url.asText()));
        return urls;
    }

    List<Instance> all() {
        return List.copyOf(instances);
    }

    List<Instance> logging() {
        return byApp("logging");
    }

    List<Instance> messages() {
        return byApp("messages");
    }

    Instance facade() {
        return byApp("facade").get(0);
    }

    String facadeUrl() {
        return facade().url() + "/facade";
    }

    private List<Instance> byApp(String app) {
        return instances.stream().filter(i -> i.app.equals(app)).toList();
    }

    /** A Hazelcast client of this topology's cluster, for what only the cluster can tell (e.g. owners). */
    HazelcastInstance client() {
        HazelcastProperties properties = new HazelcastProperties(HazelcastProperties.Mode.CLIENT, clusterName,
                List.of(memberAddresses().split(",")), "127.0.0.1", null, FIRST_MEMBER_PORT, 1, 100_000, 1, 5);
        HazelcastInstance client = HazelcastClient.newHazelcastClient(
                HazelcastConfigs.client(properties));
        clients.add(client);
        return client;
    }

    /** The logging instance whose member owns the queue's partition: the worst one to lose. */
    Instance queueOwner() {
        HazelcastInstance client = client();
        IQueue<Object> queue = client.getQueue("messages");
        int ownerPort = client.getPartitionService().getPartition(queue.getPartitionKey())
                .getOwner().getAddress().getPort();
        return logging().stream().filter(i -> i.memberPort == ownerPort).findFirst()
                .orElseThrow(() -> new AssertionError("no logging instance has member port " + ownerPort));
    }

    /** The uuids each messages instance lists, once {@code expected} are listed in all (or the wait ran out). */
    Map<Instance, List<String>> consumed(int expected) {
        Map<Instance, List<String>> consumed = new LinkedHashMap<>();
        long waitStarted = System.nanoTime();
        try {
            Await.until(Duration.ofSeconds(90), expected + " messages consumed", () -> {
                messages().forEach(instance ->
                        consumed.put(instance, Http.uuids(Http.get(instance.url() + "/messages").json())));
                return consumed.values().stream().mapToInt(List::size).sum() >= expected;
            });
            // How stale a consumer's list can be after a fault: a message stranded in a dead consumer's transaction
            // waits here until the cluster or the redelivery returns it to the queue.
            System.out.printf("%d messages consumed %.1f s after the wait began%n", expected,
                    (System.nanoTime() - waitStarted) / 1e9);
        } catch (AssertionError timedOut) {
            // Whether the rest sits in the queue (consumers stuck) or is gone from it (redelivery's part).
            throw new AssertionError(timedOut.getMessage() + "; consumed " + consumed.values().stream()
                    .mapToInt(List::size).sum() + ", queue holds " + client().getQueue("messages").size());
        }
        return consumed;
    }

    /**
     * Waits until every live logging member is ready (so in the majority: merged back after a freeze) and reports
     * its partitions backed up again: the cluster can lose any one member without losing data.
     */
    void awaitClusterSafe() {
        Await.until(Duration.ofMinutes(3), "cluster safe", this::clusterSafe);
    }

    /** Whether the cluster is safe now, as {@link #awaitClusterSafe()} waits for it. */
    boolean clusterSafe() {
        return dataMembers().filter(Instance::isAlive).allMatch(member -> member.isReady()
                && Http.get(member.url() + "/actuator/health").json().at("/components/clusterSafe/status").asText()
                        .equals("UP"));
    }

    private String memberAddresses() {
        return dataMembers().map(i -> "127.0.0.1:" + i.memberPort).collect(Collectors.joining(","));
    }

    /** The logging instances that are Hazelcast members (all but those started as clients). */
    private Stream<Instance> dataMembers() {
        return logging().stream().filter(i -> i.memberPort > 0);
    }

    /**
     * The executable jar of {@code app} ("facade", "logging", "messages"): the one Maven resolved for this module
     * (topology.jar.*), else the app module's own build.
     */
    static Path appJar(String app) {
        String resolved = System.getProperty("topology.jar." + app, "");
        return resolved.isEmpty() ? ROOT.resolve(app + "-app/target/" + app + "-app-" + VERSION + ".jar")
                : Path.of(resolved);
    }

    /** The java of the JVM that runs the tests. */
    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    String managementPassword() {
        return managementPassword;
    }

    /**
     * A port that is free now and stays free across restarts, whose management port (+1000) is free too: below the
     * kernel's ephemeral range (32768 and up on Linux), where an outgoing connection of another process could
     * otherwise take it while its instance is down; neither of the two handed out before in this JVM, as a port or
     * as a management port, whose instance may not have bound it yet (a facade once got the management port of a
     * messages instance that was still starting).
     */
    static synchronized int freePort() {
        while (true) {
            int port = 20_000 + RANDOM.nextInt(9_000);
            if (!HANDED_OUT.contains(port) && !HANDED_OUT.contains(port + 1000) && isFree(port) && isFree(port + 1000)) {
                HANDED_OUT.add(port);
                HANDED_OUT.add(port + 1000);
                return port;
            }
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket ignored = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException inUse) {
            return false;
        }
    }

    private void killAll() {
        clients.forEach(HazelcastInstance::shutdown);
        clients.clear();
        for (Instance instance : instances) {
            if (instance.process != null) {
                instance.process.descendants().forEach(ProcessHandle::destroyForcibly);
                instance.process.destroyForcibly();
            }
        }
    }

    /** Those that record a class sharing archive write it as they exit, so they get SIGTERM and time for it. */
    private void stopArchiveRecorders() {
        List<Instance> recorders = instances.stream().filter(Instance::isRecordingArchive).toList();
        for (Instance recorder : recorders) {
            recorder.resume();
            recorder.process.destroy();
        }
        try {
            for (Instance recorder : recorders) {
                recorder.process.waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stopArchiveRecorders();
        killAll();
        for (Instance instance : instances) {
            if (instance.process != null) {
                instance.process.onExit().join();
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }
}
