package org.dsd.messaging.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.Yaml;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * docker-compose.yml as Compose itself reads it: the output of {@code docker-compose config} (the Debian package,
 * Compose v1), which checks the file, resolves its variables and anchors, and prints the services as they run.
 */
final class ComposeProject {

    static final Path ROOT = Path.of(System.getProperty("topology.root", "..")).toAbsolutePath().normalize();
    /** The password the compose file requires, for these checks only. */
    static final String TEST_PASSWORD = "compose-check-password";

    private ComposeProject() {
    }

    /** The resolved services of the given profiles, with {@code .env.example} as the environment file. */
    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> services(String... profiles) throws Exception {
        List<String> arguments = new ArrayList<>();
        for (String profile : profiles) {
            arguments.addAll(List.of("--profile", profile));
        }
        arguments.add("config");
        Command.Run run = compose(Map.of("MANAGEMENT_PASSWORD", TEST_PASSWORD), arguments.toArray(String[]::new));
        if (run.exitCode() != 0) {
            throw new AssertionError("docker-compose config refused the file:\n" + run.output());
        }
        Map<String, Object> config = new Yaml().load(run.output());
        return (Map<String, Map<String, Object>>) config.get("services");
    }

    /** docker-compose with {@code .env.example} as its environment file and no MANAGEMENT_* of the developer's. */
    static Command.Run compose(Map<String, String> environment, String... arguments) throws Exception {
        ensureInstalled();
        List<String> command = new ArrayList<>(List.of("docker-compose", "--env-file", ".env.example"));
        command.addAll(List.of(arguments));
        return Command.run(command, ROOT, inherited -> {
            inherited.keySet().removeIf(name -> name.startsWith("MANAGEMENT_") || name.startsWith("COMPOSE_"));
            inherited.putAll(environment);
        }, Duration.ofMinutes(2));
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> environment(Map<String, Object> service) {
        Map<String, Object> environment = (Map<String, Object>) service.getOrDefault("environment", Map.of());
        Map<String, String> values = new LinkedHashMap<>();
        environment.forEach((name, value) -> values.put(name, value == null ? "" : String.valueOf(value)));
        return values;
    }

    /** The variables the app image (Dockerfile ENV) gives the app; JAVA_OPTS is its entry point's, not the app's. */
    static Map<String, String> appImageEnvironment() throws IOException {
        String text = Files.readString(ROOT.resolve("Dockerfile")).replace("\\\n", " ");
        Map<String, String> environment = new LinkedHashMap<>();
        Matcher line = Pattern.compile("(?m)^ENV\\s+(.*)$").matcher(text);
        while (line.find()) {
            Matcher pair = Pattern.compile("([A-Z_][A-Z0-9_]*)=(\"[^\"]*\"|\\S+)").matcher(line.group(1));
            while (pair.find()) {
                environment.put(pair.group(1), pair.group(2).replace("\"", ""));
            }
        }
        environment.remove("JAVA_OPTS");
        return environment;
    }

    /** Installs the Debian package when it is missing and this is root (as in CI); otherwise the test is skipped. */
    private static synchronized void ensureInstalled() {
        if (onPath("docker-compose")) {
            return;
        }
        assumeTrue("root".equals(System.getProperty("user.name")),
                "docker-compose is not installed and this user cannot install it: apt-get install docker-compose");
        if (!DebianPackages.install("docker-compose") || !onPath("docker-compose")) {
            throw new AssertionError("docker-compose is missing and could not be installed: "
                    + "apt-get install docker-compose");
        }
    }

    private static boolean onPath(String program) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(directory, program))) {
                return true;
            }
        }
        return false;
    }
}
