package org.dsd.messaging.system;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.client.impl.connection.tcp.RoutingMode;
import com.hazelcast.core.HazelcastInstance;
import org.dsd.messaging.cluster.HazelcastConfigs;
import org.dsd.messaging.testing.Await;
import org.dsd.messaging.testing.Http;
import org.dsd.messaging.testing.Http.Answer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml's topology on six hosts: Linux network namespaces on a bridge, each with its own address and
 * the compose service names in its /etc/hosts. Every process gets exactly the environment Compose would give its
 * container (the output of {@code docker-compose config} plus the image's ENV): the three members run the member
 * image's configuration, the apps their images' jars. Hosts 1 to 3 each carry a data member and a logging
 * instance, as a deployment on real machines would; the messages instances and the facade have a host each.
 * Then, under load from clients that retry with their Idempotency-Key and readers of every list, the network
 * fails, 20 s each time: the host whose member owns the queue is cut off (and read from inside meanwhile), a data
 * host's link flaps, the facade's host loses the members, and two data hosts lose each other while both reach
 * the third. Nothing acknowledged may be lost or doubled, no list stale or without an acknowledged message it
 * held before, and only the facade's own cut may stop the POSTs for long. Skipped, saying why, where namespaces
 * cannot be made (not root, no iproute2).
 */
class SeveralHostsIT {

    private static final Path LOGS = Path.of(System.getProperty("topology.logs", "target/topology-logs"), "hosts");
    private static final String VERSION = System.getProperty("topology.version", "1.0.0-SNAPSHOT");
    private static final Map<String, List<String>> HOSTS = new LinkedHashMap<>();

    static {
        HOSTS.put("host-1", List.of("hazelcast-1", "logging-1"));
        HOSTS.put("host-2", List.of("hazelcast-2", "logging-2"));
        HOSTS.put("host-3", List.of("hazelcast-3", "logging-3"));
        HOSTS.put("host-4", List.of("messages-1"));
        HOSTS.put("host-5", List.of("messages-2"));
        HOSTS.put("host-6", List.of("facade"));
    }

    /** How long each partition lasts: longer than the failure detector takes (about 8 s) to drop a silent member. */
    private static final Duration CUT = Duration.ofSeconds(20);

    private final List<Process> processes = new ArrayList<>();
    /** The logging instances' readiness URLs: each partition ends once all answer again. */
    private final List<String> loggingReadiness = new ArrayList<>();

    /**
     * One partition under load: what was cut, how long, the longest time without an acknowledged POST from its
     * start until the cluster was whole again, and how long that took after the network was whole.
     */
    private record Partition(String name, Duration lasted, Duration longestWithoutAcknowledgement,
                             Duration wholeAfter) {
        @Override
        public String toString() {
            return "%-45s %5.1f s; longest without an acknowledged POST %5.1f s; whole again %5.1f s after".formatted(
                    name, lasted.toMillis() / 1000.0, longestWithoutAcknowledgement.toMillis() / 1000.0,
                    wholeAfter.toMillis() / 1000.0);
        }
    }

    @Test
    void theComposeTopologyRunsAcrossHostsAndNetworkPartitionsLoseNothingAndHealBack() throws Exception {
        NetworkHosts.assumeAvailable();
        Map<String, Map<String, Object>> services = ComposeProject.services();
        try (NetworkHosts hosts = new NetworkHosts(HOSTS)) {
            try {
                run(hosts, services);
            } finally {
                processes.forEach(process -> process.destroyForcibly());
                for (Process process : processes) {
                    process.waitFor();
                }
            }
        }
    }

    private void run(NetworkHosts hosts, Map<String, Map<String, Object>> services) throws Exception {
        for (int member = 1; member <= 3; member++) {
            startMember(hosts, "hazelcast-" + member, services);
        }
        awaitClusterOf(hosts, 3, "the members");
        List<String> apps = List.of("logging-1", "logging-2", "logging-3", "messages-1", "messages-2", "facade");
        for (String app : apps) {
            startApp(hosts, app, services);
        }
        for (String app : apps) {
            String host = hostOf(app);
            String port = portOf(services, app);
            Await.until(Duration.ofMinutes(4), app + " ready",
                    () -> status(baseUrl(hosts, services, app) + "/actuator/health/readiness") == 200);
            // The image's HEALTHCHECK, run where the container would run it.
            assertThat(hosts.runOn(host, Map.of("SERVER_PORT", port), "/bin/bash",
                    ComposeProject.ROOT.resolve("docker/healthcheck.sh").toString())).as(app + " healthy").isZero();
        }

        for (int logging = 1; logging <= 3; logging++) {
            loggingReadiness.add(baseUrl(hosts, services, "logging-" + logging) + "/actuator/health/readiness");
        }

        // The messages instances are lite members of it.
        awaitClusterOf(hosts, 5, "the members and the messages instances");

        String facade = "http://" + hosts.address("host-6") + ":8080";
        // Each instance registered under its compose name, which every host resolves.
        Await.until(Duration.ofSeconds(30), "every instance registered", () ->
                Http.get(facade + "/services/logging-service").body().split(",").length == 3
                        && Http.get(facade + "/services/messages-service").body().split(",").length == 2);
        assertThat(Http.get(facade + "/services/logging-service").body())
                .contains("http://logging-1:8081", "http://logging-2:8083", "http://logging-3:8085");

        // The management login is the one .env gives, on the address the image gives.
        String management = "http://" + hosts.address("host-6") + ":9080/actuator/prometheus";
        assertThat(Http.get(management).status()).isEqualTo(401);
        assertThat(Http.get(management, "admin", ComposeProject.TEST_PASSWORD).status()).isEqualTo(200);
        // The worst host to lose: the one whose member owns the queue's partition, and whose logging instance serves.
        String owner = queueOwner(hosts);
        String cut = hostOf(owner);
        String cutLogging = baseUrl(hosts, services, owner.replace("hazelcast", "logging"));

        // From the facade's own host, by its name, as a user there would.
        assertThat(hosts.runOn("host-6", Map.of(), "curl", "-sf", "-X", "POST", "http://facade:8080/facade",
                "-d", "msg=from-the-facade-host")).isZero();
        Answer lists = Http.get(facade + "/facade");
        assertThat(lists.status()).isEqualTo(200);
        assertThat(lists.body()).contains("from-the-facade-host");

        PostLoad load = PostLoad.untilStopped(facade + "/facade", "hosts", 8, Duration.ofMillis(100));
        List<String> listUrls = new ArrayList<>(List.of(facade + "/facade"));
        for (int logging = 1; logging <= 3; logging++) {
            listUrls.add(baseUrl(hosts, services, "logging-" + logging) + "/logging");
        }
        ListReaders readers = ListReaders.start(listUrls, load, 2);
        Await.until(Duration.ofMinutes(1), "the load under way", () -> load.acknowledgedSoFar().size() >= 200);

        // The queue owner's host alone (the worst to lose, above): longer than the failure detector takes, so the
        // cluster really splits, and a reader on that host gets a whole list or a refusal.
        List<String> cutOffSide = new ArrayList<>();
        Partition isolated = partition(load, hosts, "host cut off: " + cut, () -> hosts.cut(cut),
                () -> cutOffSide.addAll(readInside(hosts, cut, cutLogging + "/logging", load)),
                () -> hosts.reconnect(cut));
        List<String> others = List.of("host-1", "host-2", "host-3").stream().filter(host -> !host.equals(cut))
                .toList();
        List<Partition> partitions = new ArrayList<>(List.of(isolated));
        // A partial partition: two data hosts lose each other, both still reach the third.
        partitions.add(partition(load, hosts, others.get(0) + " and " + others.get(1) + " lose each other",
                () -> hosts.separate(others.get(0), others.get(1)), () -> Await.pause(CUT),
                () -> hosts.rejoin(others.get(0), others.get(1))));
        // A flapping link: a second down, a second up.
        partitions.add(partition(load, hosts, "flapping link: " + others.get(0), () -> { }, () -> {
            for (long end = System.nanoTime() + CUT.toNanos(); System.nanoTime() < end; ) {
                hosts.cut(others.get(0));
                Await.pause(Duration.ofSeconds(1));
                hosts.reconnect(others.get(0));
                Await.pause(Duration.ofSeconds(1));
            }
        }, () -> { }));
        // The facade's host cut from every member (not from the messages hosts, nor from the clients).
        List<String> members = List.of("host-1", "host-2", "host-3");
        Partition facadeCut = partition(load, hosts, "the facade's host cut from the members",
                () -> members.forEach(member -> hosts.separate("host-6", member)), () -> Await.pause(CUT),
                () -> members.forEach(member -> hosts.rejoin("host-6", member)));

        load.stop();
        load.awaitClients();
        readers.stop();
        Set<String> acknowledged = load.acknowledgedSoFar();
        Figures.print("several hosts: %d posts (%d requests), lists read %d answered, %d refused; retried %s%n",
                acknowledged.size(), load.requests(), readers.answered(), readers.refused(), load.retried());
        Stream.concat(partitions.stream(), Stream.of(facadeCut))
                .forEach(partition -> Figures.print("  %s%n", partition));
        cutOffSide.forEach(read -> Figures.print("  read on the cut-off host: %s%n", read));
        readers.undone().forEach(undone -> Figures.print("  undone: %s%n", undone));

        assertThat(load.unexpected()).as("unexpected answers to the load").isEmpty();
        assertThat(load.unacknowledged()).as("messages whose client gave up").isEmpty();
        assertThat(readers.stale()).as("stale lists").isEmpty();
        assertThat(readers.doubled()).as("lists with a uuid twice").isEmpty();
        assertThat(readers.forgotten()).as("lists without an acknowledged message listed before").isEmpty();
        assertThat(readers.unexpected()).as("unexpected answers to the readers").isEmpty();
        assertThat(readers.answered()).as("lists checked").isGreaterThanOrEqualTo(20);
        assertThat(cutOffSide).as("reads on the cut-off host: each a whole list or a refusal")
                .isNotEmpty().allMatch(read -> read.startsWith("200 whole") || read.startsWith("503")
                        || read.startsWith("000"));
        // The others drop a host that is silent about 8 s in, and the members outside a partial partition keep
        // serving; a flapping link never goes silent that long. Only the facade's own cut stops the POSTs, until
        // it ends.
        for (Partition partition : partitions) {
            assertThat(partition.longestWithoutAcknowledgement()).as("POSTs go on during: " + partition.name())
                    .isLessThan(Duration.ofSeconds(15));
        }
        assertThat(facadeCut.longestWithoutAcknowledgement()).as("POSTs again once the facade's host is back")
                .isLessThan(CUT.plusSeconds(15));

        List<String> logged = Http.uuids(Http.get(cutLogging + "/logging").json());
        assertThat(logged).as("every acknowledged message, once, read through the host that was cut off")
                .doesNotHaveDuplicates().containsAll(acknowledged).hasSize(acknowledged.size() + 1);
        // A page is sorted on the members, which run the official image with this project's member jar.
        assertThat(Http.walk(cutLogging + "/logging?limit=500", new ArrayList<>())).as("the list page by page")
                .isEqualTo(logged);

        List<String> consumed = new ArrayList<>();
        Await.until(Duration.ofSeconds(90), "everything consumed", () -> {
            consumed.clear();
            for (String messages : List.of("messages-1", "messages-2")) {
                consumed.addAll(Http.uuids(Http.get(baseUrl(hosts, services, messages) + "/messages").json()));
            }
            return consumed.size() >= logged.size();
        });
        assertThat(consumed).as("consumed by one instance, once").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(logged);
        String messages1 = baseUrl(hosts, services, "messages-1");
        assertThat(Http.walk(messages1 + "/messages?limit=500", new ArrayList<>())).as("an instance's list page by page")
                .isEqualTo(Http.uuids(Http.get(messages1 + "/messages").json()));
    }

    /** A data member as the member image runs it: its jar, our model and cluster jars, configuration, variables. */
    private void startMember(NetworkHosts hosts, String member, Map<String, Map<String, Object>> services) {
        Path root = ComposeProject.ROOT;
        String classpath = String.join(File.pathSeparator, jarOf(HazelcastInstance.class),
                root.resolve("model/target/model-" + VERSION + ".jar").toString(),
                root.resolve("cluster/target/cluster-" + VERSION + ".jar").toString());
        start(hosts, member, List.of(LocalTopology.javaBinary(), "-Xmx128m", "-Djava.net.preferIPv4Stack=true",
                "-cp", classpath,
                "-Dhazelcast.config=" + root.resolve("cluster/src/main/resources/" + HazelcastConfigs.MEMBER_FILE),
                "com.hazelcast.core.server.HazelcastMemberStarter"),
                ComposeProject.environment(services.get(member)));
    }

    /** An app as its image runs it, with the image's variables and the service's, and nothing else. */
    private void startApp(NetworkHosts hosts, String app, Map<String, Map<String, Object>> services)
            throws IOException {
        String jar = app.replaceFirst("-\\d$", "");
        Path appJar = LocalTopology.appJar(jar);
        Map<String, String> environment = new LinkedHashMap<>(ComposeProject.appImageEnvironment());
        environment.putAll(ComposeProject.environment(services.get(app)));
        start(hosts, app, List.of(LocalTopology.javaBinary(), "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-jar", appJar.toString()), environment);
    }

    private void start(NetworkHosts hosts, String service, List<String> command, Map<String, String> environment) {
        try {
            Files.createDirectories(LOGS);
            ProcessBuilder builder = new ProcessBuilder(hosts.on(hostOf(service), command)).redirectErrorStream(true)
                    .redirectOutput(LOGS.resolve(service + ".log").toFile());
            builder.environment().clear();
            builder.environment().putAll(environment);
            processes.add(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Cuts, runs {@code during}, heals, and waits until the cluster and every logging instance are back. */
    private Partition partition(PostLoad load, NetworkHosts hosts, String name, Runnable cut, Runnable during,
                                Runnable heal) {
        long began = System.nanoTime();
        cut.run();
        during.run();
        heal.run();
        long healed = System.nanoTime();
        awaitClusterOf(hosts, 5, "the cluster whole again after: " + name);
        Await.until(Duration.ofMinutes(2), "every logging instance ready after: " + name,
                () -> loggingReadiness.stream().allMatch(url -> status(url) == 200));
        long whole = System.nanoTime();
        return new Partition(name, Duration.ofNanos(healed - began),
                PostLoad.longestGap(load.acknowledgementTimes(), began, whole), Duration.ofNanos(whole - healed));
    }

    /**
     * Reads {@code url} from {@code host} itself every two seconds for {@link #CUT}: a whole list ("200 whole"), a
     * stale one ("200 stale"), a refusal ("503") or no answer ("000"), each with what it held or said.
     */
    private static List<String> readInside(NetworkHosts hosts, String host, String url, PostLoad load) {
        List<String> reads = new ArrayList<>();
        for (long end = System.nanoTime() + CUT.toNanos(); System.nanoTime() < end; ) {
            Set<String> acknowledgedBefore = load.acknowledgedSoFar();
            List<String> lines = hosts.outputOn(host, "curl", "-s", "-m", "10", "-w", "\n%{http_code}", url).output()
                    .strip().lines().toList();
            String status = lines.isEmpty() ? "000" : lines.get(lines.size() - 1);
            String body = String.join("\n", lines.subList(0, Math.max(0, lines.size() - 1)));
            if (status.equals("200")) {
                Set<String> missing = new HashSet<>(acknowledgedBefore);
                Http.uuids(new Answer(200, body, null).json()).forEach(missing::remove);
                reads.add(missing.isEmpty() ? "200 whole (" + acknowledgedBefore.size() + " acknowledged before)"
                        : "200 stale: missing " + missing.size() + " of " + acknowledgedBefore.size());
            } else {
                reads.add(status + " " + body.lines().findFirst().orElse(""));
            }
            Await.pause(Duration.ofSeconds(2));
        }
        return reads;
    }

    /** The base URL of a compose service's app, by its host's address (this host has no names for them). */
    private static String baseUrl(NetworkHosts hosts, Map<String, Map<String, Object>> services, String service) {
        return "http://" + hosts.address(hostOf(service)) + ":" + portOf(services, service);
    }

    /** The HTTP port a compose service's app listens on. */
    private static String portOf(Map<String, Map<String, Object>> services, String service) {
        return ComposeProject.environment(services.get(service)).get("SERVER_PORT");
    }

    private static String hostOf(String service) {
        return HOSTS.entrySet().stream().filter(host -> host.getValue().contains(service)).findFirst().orElseThrow()
                .getKey();
    }

    /**
     * Waits until every data member counts {@code size} members, lite members included, and reports the cluster
     * safe (every partition's backup in sync): only then may the next fault strike a data host, or an entry whose
     * backup was still migrating has a single copy left.
     */
    private static void awaitClusterOf(NetworkHosts hosts, int size, String what) {
        Await.until(Duration.ofMinutes(2), what + ": a safe cluster of " + size, () -> {
            for (int member = 1; member <= 3; member++) {
                JsonNode health = health("http://" + hosts.address("host-" + member) + ":5701/hazelcast/health");
                if (health == null || health.get("clusterSize").asInt() != size
                        || !health.get("clusterSafe").asBoolean()) {
                    return false;
                }
            }
            return true;
        });
    }

    /** The name of the member that owns the queue's partition, asked through host 1 (by address: this host has no
     * names for them). */
    private static String queueOwner(NetworkHosts hosts) {
        ClientConfig config = new ClientConfig().setClusterName("messages-cluster");
        config.getNetworkConfig().addAddress(hosts.address("host-1") + ":5701")
                .getClusterRoutingConfig().setRoutingMode(RoutingMode.SINGLE_MEMBER);
        HazelcastInstance client = HazelcastClient.newHazelcastClient(config);
        try {
            return client.getPartitionService().getPartition(client.getQueue("messages").getPartitionKey())
                    .getOwner().getAddress().getHost();
        } finally {
            client.shutdown();
        }
    }

    /** A member's health as Hazelcast's REST endpoint gives it, or null while it does not answer. */
    private static JsonNode health(String healthUrl) {
        try {
            Answer answer = Http.get(healthUrl);
            return answer.status() == 200 ? answer.json() : null;
        } catch (AssertionError notAnswering) {
            return null;
        }
    }

    private static int status(String url) {
        try {
            return Http.get(url).status();
        } catch (AssertionError notAnswering) {
            return 0;
        }
    }

    private static String jarOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
