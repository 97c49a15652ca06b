package org.dsd.messaging.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import org.springframework.util.FileSystemUtils;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Hosts on one machine: each a Linux network namespace with its own address on a bridge, as hosts on one LAN, and
 * its own /etc/hosts naming every host's services ({@code ip netns exec} mounts /etc/netns/NAME/hosts over it), as
 * Compose names containers. The test's own process is on the bridge too, as a client on that LAN. Everything is
 * created on construction and removed on {@link #close()}. Needs root and iproute2.
 */
final class NetworkHosts implements AutoCloseable {

    private static final String IP = List.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip").stream()
            .filter(path -> Files.isExecutable(Path.of(path))).findFirst().orElse("ip");

    private final String tag;
    private final String subnet;
    private final String bridge;
    /** Host name to its address, in the order given. */
    private final Map<String, String> addresses = new LinkedHashMap<>();
    /** Host name to the bridge end of its cable (a veth pair). */
    private final Map<String, String> cables = new LinkedHashMap<>();
    private boolean bridgeCreated;

    /**
     * @param services every host and the service names it answers to, e.g. host-1: [hazelcast-1, logging-1]
     */
    NetworkHosts(Map<String, List<String>> services) {
        Random random = new Random();
        this.tag = "d" + Integer.toString(1000 + random.nextInt(9000), 36);
        this.subnet = "10.231." + (1 + random.nextInt(250));
        this.bridge = tag + "br";
        try {
            ip("link", "add", bridge, "type", "bridge");
            bridgeCreated = true;
            ip("addr", "add", subnet + ".1/24", "dev", bridge);
            ip("link", "set", bridge, "up");
            int number = 10;
            for (String host : services.keySet()) {
                addresses.put(host, subnet + "." + number++);
            }
            String hostsFile = "127.0.0.1 localhost\n" + services.entrySet().stream()
                    .map(host -> addresses.get(host.getKey()) + " " + host.getKey() + " "
                            + String.join(" ", host.getValue()))
                    .collect(Collectors.joining("\n")) + "\n";
            // The machine's own name too, as each host's own address: a container resolves its host name.
            String machine = InetAddress.getLocalHost().getHostName();
            for (String host : services.keySet()) {
                addHost(host, hostsFile + addresses.get(host) + " " + machine + "\n");
            }
        } catch (IOException failed) {
            close();
            throw new UncheckedIOException(failed);
        } catch (RuntimeException | Error failed) {
            close();
            throw failed;
        }
    }

    /** Skips the calling test, saying why, unless this machine lets it create namespaces. */
    static void assumeAvailable() {
        boolean root = "root".equals(System.getProperty("user.name"));
        assumeTrue(root, "several hosts need network namespaces, which need root: skipped");
        assumeTrue(Files.isExecutable(Path.of(IP)), "several hosts need iproute2 (ip): skipped");
        String probe = "dsdprobe" + ProcessHandle.current().pid();
        boolean allowed = run(List.of(IP, "netns", "add", probe)) == 0;
        run(List.of(IP, "netns", "del", probe));
        assumeTrue(allowed, "this machine does not allow network namespaces (ip netns add failed): skipped");
        Path hostsFiles = Path.of("/etc/netns", probe);
        try {
            Files.createDirectories(hostsFiles);
        } catch (IOException readOnly) {
            assumeTrue(false, "the hosts need their own /etc/hosts, and /etc/netns is not writable: skipped");
        } finally {
            FileSystemUtils.deleteRecursively(hostsFiles.toFile());
        }
    }

    private void addHost(String host, String hostsFile) {
        String namespace = namespace(host);
        String cable = tag + "v" + cables.size();
        ip("netns", "add", namespace);
        cables.put(host, cable);
        try {
            Path etc = Path.of("/etc/netns", namespace);
            Files.createDirectories(etc);
            Files.writeString(etc.resolve("hosts"), hostsFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ip("link", "add", cable, "type", "veth", "peer", "name", "eth0", "netns", namespace);
        ip("link", "set", cable, "master", bridge);
        ip("link", "set", cable, "up");
        inside(host, "addr", "add", addresses.get(host) + "/24", "dev", "eth0");
        inside(host, "link", "set", "eth0", "up");
        inside(host, "link", "set", "lo", "up");
    }

    String address(String host) {
        return addresses.get(host);
    }

    /** The command line that runs {@code command} on {@code host}; give the program's full path. */
    List<String> on(String host, List<String> command) {
        List<String> line = new ArrayList<>(List.of(IP, "netns", "exec", namespace(host)));
        line.addAll(command);
        return line;
    }

    /** Pulls {@code host}'s cable: nothing reaches it or leaves it, and its processes run on. */
    void cut(String host) {
        ip("link", "set", cables.get(host), "down");
    }

    /** Plugs {@code host}'s cable back in. */
    void reconnect(String host) {
        ip("link", "set", cables.get(host), "up");
    }

    /**
     * A partial partition: {@code a} and {@code b} no longer reach each other (a blackhole route on each side), while
     * both still reach every other host, and this process reaches both.
     */
    void separate(String a, String b) {
        inside(a, "route", "add", "blackhole", addresses.get(b) + "/32");
        inside(b, "route", "add", "blackhole", addresses.get(a) + "/32");
    }

    /** Undoes {@link #separate(String, String)}. */
    void rejoin(String a, String b) {
        inside(a, "route", "del", "blackhole", addresses.get(b) + "/32");
        inside(b, "route", "del", "blackhole", addresses.get(a) + "/32");
    }

    /** Runs {@code command} on {@code host} with {@code environment} added; its exit code. */
    int runOn(String host, Map<String, String> environment, String... command) {
        return run(on(host, List.of(command)), environment);
    }

    /** What {@code command} run on {@code host} printed, and its exit code. */
    Command.Run outputOn(String host, String... command) {
        return Command.run(on(host, List.of(command)), null, inherited -> { }, Duration.ofMinutes(1));
    }

    private String namespace(String host) {
        return tag + "-" + host;
    }

    /** An {@code ip} command inside {@code host}'s namespace. */
    private void inside(String host, String... arguments) {
        List<String> line = new ArrayList<>(List.of(IP, "-n", namespace(host)));
        line.addAll(List.of(arguments));
        check(line);
    }

    private static void ip(String... arguments) {
        List<String> line = new ArrayList<>(List.of(IP));
        line.addAll(List.of(arguments));
        check(line);
    }

    private static void check(List<String> command) {
        if (run(command) != 0) {
            throw new AssertionError("failed: " + String.join(" ", command));
        }
    }

    private static int run(List<String> command) {
        return run(command, Map.of());
    }

    private static int run(List<String> command, Map<String, String> environment) {
        Command.Run run = Command.run(command, null, inherited -> inherited.putAll(environment), Duration.ofMinutes(1));
        if (run.exitCode() != 0) {
            System.out.println(String.join(" ", command) + ": " + run.output().strip());
        }
        return run.exitCode();
    }

    /** Removes the namespaces (and with them their links), the bridge and the hosts files. */
    @Override
    public void close() {
        for (Map.Entry<String, String> host : cables.entrySet()) {
            run(List.of(IP, "netns", "del", namespace(host.getKey())));
            FileSystemUtils.deleteRecursively(Path.of("/etc/netns", namespace(host.getKey())).toFile());
            // Gone with its namespace, unless a process there outlived the test: then it goes now.
            if (Files.exists(Path.of("/sys/class/net", host.getValue()))) {
                run(List.of(IP, "link", "del", host.getValue()));
            }
        }
        cables.clear();
        if (bridgeCreated) {
            run(List.of(IP, "link", "del", bridge));
            bridgeCreated = false;
        }
    }
}
