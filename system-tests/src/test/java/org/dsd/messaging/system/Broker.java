package org.dsd.messaging.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.Uuid;
import org.dsd.messaging.testing.Await;

/**
 * The broker of a swapped queue as a process of its own, run from the tests' class path with its data on disk, so
 * that the {@link Nemesis} kills (-9), freezes and restarts it as it does an app instance and what it acknowledged
 * survives. Ready once its client port accepts connections.
 */
final class Broker implements Target, AutoCloseable {

    private final String service;
    private final int port;
    private final List<String> mainAndArguments;
    private final Path log;
    private volatile Process process;

    private Broker(String service, int port, Path log, String... mainAndArguments) {
        this.service = service;
        this.port = port;
        this.log = log;
        this.mainAndArguments = List.of(mainAndArguments);
        // As the topology's instances: no broker outlives a test JVM that ends without closing it.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (process != null) {
                process.destroyForcibly();
            }
        }));
    }

    /** A single-node Kafka (KRaft, broker and controller in one) with 4 partitions per topic; started and ready. */
    static Broker kafka(String topologyName) throws IOException, InterruptedException {
        int port = LocalTopology.freePort();
        Path dir = dataDirectory("kafka-");
        Path config = dir.resolve("server.properties");
        Files.writeString(config, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + (port + 1000),
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + (port + 1000),
                "controller.listener.names=CONTROLLER",
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=4",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "group.initial.rebalance.delay.ms=0"));
        Broker broker = new Broker("kafka", port, logOf(topologyName, "kafka-" + port), "kafka.Kafka",
                config.toString());
        Process format = broker.processOf(List.of("kafka.tools.StorageTool", "format", "-t",
                Uuid.randomUuid().toString(), "-c", config.toString()));
        if (format.waitFor() != 0) {
            throw new AssertionError("formatting Kafka's storage failed; see " + broker.log);
        }
        return broker.started();
    }

    /** An ActiveMQ Artemis broker ({@link ArtemisBrokerMain}) with a persistent journal; started and ready. */
    static Broker artemis(String topologyName) throws IOException {
        int port = LocalTopology.freePort();
        return new Broker("artemis", port, logOf(topologyName, "artemis-" + port),
                ArtemisBrokerMain.class.getName(), String.valueOf(port),
                dataDirectory("artemis-").toString()).started();
    }

    /** Under the build's target directory, not the system's temporary one: {@code ./mvnw clean} removes it. */
    private static Path dataDirectory(String prefix) throws IOException {
        Path brokers = Path.of("target", "broker-data");
        Files.createDirectories(brokers);
        return Files.createTempDirectory(brokers.toAbsolutePath(), prefix);
    }

    private static Path logOf(String topologyName, String name) throws IOException {
        Path dir = LocalTopology.LOGS.resolve(topologyName);
        Files.createDirectories(dir);
        return dir.resolve(name + ".log");
    }

    private Broker started() {
        start();
        awaitReady();
        return this;
    }

    /** host:port of its clients' listener. */
    String address() {
        return "127.0.0.1:" + port;
    }

    @Override
    public Process process() {
        return process;
    }

    @Override
    public String name() {
        return service + "-" + port;
    }

    @Override
    public String service() {
        return service;
    }

    @Override
    public void start() {
        process = processOf(mainAndArguments);
    }

    private Process processOf(List<String> command) {
        List<String> line = new ArrayList<>(List.of(LocalTopology.javaBinary(), "-Xmx512m", "-XX:+UseSerialGC",
                "-Dlogback.configurationFile=broker-logback.xml", "-cp", System.getProperty("java.class.path")));
        line.addAll(command);
        try {
            return new ProcessBuilder(line).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void awaitReady() {
        Await.until(Duration.ofMinutes(2), name() + " ready", () -> {
            if (!process.isAlive()) {
                throw new AssertionError(name() + " exited with " + process.exitValue() + "; see " + log);
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
                return true;
            } catch (IOException notYet) {
                return false;
            }
        });
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }
}
