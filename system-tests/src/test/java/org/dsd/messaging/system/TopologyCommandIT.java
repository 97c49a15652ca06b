package org.dsd.messaging.system;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.dsd.messaging.testing.Await;
import org.dsd.messaging.testing.Http;
import org.dsd.messaging.testing.Http.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The README's run command, as a user types it, on the seed ports. */
class TopologyCommandIT {

    private static final Path ROOT = Path.of(System.getProperty("topology.root", ".."));
    private static final List<Integer> SEED_PORTS = List.of(8080, 8081, 8082, 8083, 8084, 8085, 5701, 5702, 5703,
            9080, 9081, 9082, 9083, 9084, 9085);

    private static Command.Run topology(String... args) {
        List<String> command = new ArrayList<>(List.of("bash", ROOT.resolve("topology").toString()));
        command.addAll(List.of(args));
        // The management login comes from .run/management-password, not from the developer's environment.
        return Command.run(command, ROOT, environment -> {
            environment.remove("SPRING_SECURITY_USER_NAME");
            environment.remove("SPRING_SECURITY_USER_PASSWORD");
        }, Duration.ofMinutes(6));
    }

    private static boolean listening(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @BeforeEach
    void seedPortsAreFree() {
        // A topology the developer runs by hand must not be touched: then this test does not apply.
        assumeTrue(SEED_PORTS.stream().noneMatch(TopologyCommandIT::listening), "the seed ports are in use");
    }

    @AfterEach
    void stopEverything() throws Exception {
        topology("stop");
    }

    @Test
    void startsTheSeedTopologyOnceAndStopsItInstanceByInstanceOrWhole() throws Exception {
        Command.Run bare = topology();
        assertThat(bare.exitCode()).isZero();
        assertThat(bare.output()).contains("./topology start", "Linux only");
        assertThat(SEED_PORTS.stream().filter(TopologyCommandIT::listening)).as("started by no argument").isEmpty();

        Command.Run start = topology("start");
        assertThat(start.exitCode()).as(start.output()).isZero();
        assertThat(start.output()).contains("The topology is ready", "http://127.0.0.1:8080/facade", ".run/logs/");

        Command.Run again = topology("start");
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(again.output().split("is already running", -1)).hasSize(7);

        Answer posted = Http.post("http://127.0.0.1:8080/facade", "application/x-www-form-urlencoded", "msg=hello");
        assertThat(posted.status()).isEqualTo(201);

        // One generated management password for every console, where the output says.
        assertThat(start.output()).contains("http://127.0.0.1:9080/actuator/hawtio", ".run/management-password");
        String password = Files.readString(ROOT.resolve(".run/management-password")).strip();
        assertThat(password).hasSizeGreaterThanOrEqualTo(20);
        for (int managementPort = 9080; managementPort <= 9085; managementPort++) {
            String jolokia = "http://127.0.0.1:" + managementPort + "/actuator/jolokia/version";
            assertThat(Http.get(jolokia).status()).isEqualTo(401);
            assertThat(Http.get(jolokia, "user", password).status()).as(jolokia + " with the login").isEqualTo(200);
        }

        Command.Run kill = topology("kill", "logging-8083");
        assertThat(kill.output()).contains("killed logging-8083");
        assertThat(topology("status").output()).containsPattern("logging-8083 +- +stopped")
                .containsPattern("logging-8081 +\\d+ +running");
        // Health is DOWN (clusterSafe) while the survivors restore the dead member's backups, then UP again.
        Await.until(Duration.ofSeconds(90), "logging-8081 UP again",
                () -> topology("status").output().matches("(?s).*logging-8081 +\\d+ +running +UP.*"));
        assertThat(Http.get("http://127.0.0.1:8080/facade").json().get("logging-service").toString()).contains("hello");

        try (ServerSocket squatter = new ServerSocket(8083, 1, InetAddress.getLoopbackAddress())) {
            Command.Run blocked = topology("start", "logging-8083");
            assertThat(blocked.exitCode()).isNotZero();
            assertThat(blocked.output()).contains("port 8083", "taken by another process");
        }

        assertThat(topology("freeze", "logging-8081").output()).contains("froze logging-8081");
        assertThat(topology("status").output()).containsPattern("logging-8081 +\\d+ +frozen");
        assertThat(topology("resume", "logging-8081").output()).contains("resumed logging-8081");
        assertThat(topology("status").output()).containsPattern("logging-8081 +\\d+ +running");

        // Another instance on a port of the user's choice: it registers, and the facade's view has it.
        assertThat(topology("start", "logging8087").output()).contains("unknown instance 'logging8087'");
        Command.Run another = topology("start", "logging-8087");
        assertThat(another.output()).as(another.output()).contains("logging-8087 is ready");
        Await.until(Duration.ofSeconds(10), "logging-8087 in the registry view", () -> topology("status").output()
                .matches("(?s).*logging-8087 +\\d+ +running.*logging-service +\\[[^]]*\"http://127.0.0.1:8087\".*"));

        Command.Run stop = topology("stop");
        assertThat(stop.exitCode()).as(stop.output()).isZero();
        assertThat(stop.output()).contains("stopped logging-8087");
        assertThat(SEED_PORTS.stream().filter(TopologyCommandIT::listening)).isEmpty();
        assertThat(listening(8087)).isFalse();
    }
}
