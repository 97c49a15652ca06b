package org.dsd.messaging.system;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.client.impl.connection.tcp.RoutingMode;
import com.hazelcast.core.HazelcastInstance;
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
 * Then the cable of the host whose member owns the queue is pulled under load, and plugged back in. Skipped,
 * saying why, where namespaces cannot be made (not root, no iproute2).
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

    private final List<Process> processes = new ArrayList<>();

    @Test
    void theComposeTopologyRunsAcrossHostsAndACutOffLoggingHostLosesNothingAndHealsBack() throws Exception {
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
            Await.until(Duration.ofMinutes(4), app + " ready", () -> status("http://" + hosts.address(host) + ":"
                    + port + "/actuator/health/readiness") == 200);
            // The image's HEALTHCHECK, run where the container would run it.
            assertThat(hosts.runOn(host, Map.of("SERVER_PORT", port), "/bin/bash",
                    ComposeProject.ROOT.resolve("docker/healthcheck.sh").toString())).as(app + " healthy").isZero();
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
        String cutLogging = "http://" + hosts.address(cut) + ":"
                + portOf(services, owner.replace("hazelcast", "logging"));

        // From the facade's own host, by its name, as a user there would.
        assertThat(hosts.runOn("host-6", Map.of(), "curl", "-sf", "-X", "POST", "http://facade:8080/facade",
                "-d", "msg=from-the-facade-host")).isZero();
        Answer lists = Http.get(facade + "/facade");
        assertThat(lists.status()).isEqualTo(200);
        assertThat(lists.body()).contains("from-the-facade-host");

        PostLoad load = PostLoad.start(facade + "/facade", "hosts", 8, 100);
        load.awaitProgress(0.3);
        hosts.cut(cut);
        // Longer than the failure detector takes (about 8 s): the cluster really splits, that host is alone.
        Await.pause(Duration.ofSeconds(20));
        hosts.reconnect(cut);
        long reconnectedAt = System.nanoTime();
        Set<String> acknowledged = load.finish();
        awaitClusterOf(hosts, 5, "the cluster whole again");
        Duration healed = Duration.ofNanos(System.nanoTime() - reconnectedAt);
        Await.until(Duration.ofMinutes(2), "the cut host's logging instance ready again",
                () -> status(cutLogging + "/actuator/health/readiness") == 200);

        Figures.print("several hosts: %d posts (%d requests), %s (queue owner) cut for 20 s: longest without an "
                        + "acknowledgement %d ms, cluster whole %d ms after the cable was back; retried %s%n",
                load.total(), load.requests(), cut, load.longestWithoutAcknowledgement().toMillis(), healed.toMillis(),
                load.retried());
        assertThat(load.unacknowledged()).isEmpty();
        assertThat(acknowledged).hasSize(load.total());
        // Well before the cable is back (20 s): the others drop the cut host after about 8 s of silence.
        assertThat(load.longestWithoutAcknowledgement()).as("POSTs go on through the other hosts")
                .isLessThan(Duration.ofSeconds(15));
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
                consumed.addAll(Http.uuids(Http.get("http://" + hosts.address(hostOf(messages)) + ":"
                        + portOf(services, messages) + "/messages").json()));
            }
            return consumed.size() >= logged.size();
        });
        assertThat(consumed).as("consumed by one instance, once").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(logged);
        String messages1 = "http://" + hosts.address(hostOf("messages-1")) + ":" + portOf(services, "messages-1");
        assertThat(Http.walk(messages1 + "/messages?limit=500", new ArrayList<>())).as("an instance's list page by page")
                .isEqualTo(Http.uuids(Http.get(messages1 + "/messages").json()));
    }

    /** A data member as the member image runs it: its jar, this project's jar and configuration, its variables. */
    private void startMember(NetworkHosts hosts, String member, Map<String, Map<String, Object>> services) {
        Path root = ComposeProject.ROOT;
        String classpath = jarOf(HazelcastInstance.class) + File.pathSeparator
                + root.resolve("routes/target/routes-" + VERSION + "-hazelcast-member.jar");
        start(hosts, member, List.of(LocalTopology.javaBinary(), "-Xmx128m", "-Djava.net.preferIPv4Stack=true",
                "-cp", classpath,
                "-Dhazelcast.config=" + root.resolve("docker/hazelcast/hazelcast.yaml"),
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

    /** The HTTP port a compose service's app listens on. */
    private static String portOf(Map<String, Map<String, Object>> services, String service) {
        return ComposeProject.environment(services.get(service)).get("SERVER_PORT");
    }

    private static String hostOf(String service) {
        return HOSTS.entrySet().stream().filter(host -> host.getValue().contains(service)).findFirst().orElseThrow()
                .getKey();
    }

    /** Waits until every data member counts {@code size} members, lite members included. */
    private static void awaitClusterOf(NetworkHosts hosts, int size, String what) {
        Await.until(Duration.ofMinutes(2), what + ": a cluster of " + size, () -> {
            for (int member = 1; member <= 3; member++) {
                if (clusterSize("http://" + hosts.address("host-" + member) + ":5701/hazelcast/health") != size) {
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

    private static int clusterSize(String healthUrl) {
        try {
            Answer answer = Http.get(healthUrl);
            return answer.status() == 200 ? answer.json().get("clusterSize").asInt() : 0;
        } catch (AssertionError notAnswering) {
            return 0;
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
