package org.dsd.messaging.system;

import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.hazelcast.config.Config;
import com.hazelcast.config.QueueConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.config.YamlConfigBuilder;
import org.dsd.messaging.cluster.DataMemberQuorum;
import org.dsd.messaging.cluster.HazelcastConfigs;
import org.dsd.messaging.cluster.HazelcastProperties;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.type.filter.AnnotationTypeFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What can be checked of docker-compose.yml and the images without a Docker engine: Compose accepts the file, it
 * runs the topology {@code ./topology} runs with the same cluster and queue settings, every image can be built from
 * what {@code mvn package} leaves, every environment variable is a setting its app really has, and no secret or
 * management port is left open.
 */
class ComposeFileIT {

    private static final Path ROOT = ComposeProject.ROOT;
    /** Spring Boot maps variables to settings only for a source of this name, as an app's own environment has. */
    private static final String ENVIRONMENT = StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME;
    private static final Set<String> MEMBERS = Set.of("hazelcast-1", "hazelcast-2", "hazelcast-3");
    /** Where the settings the apps read from the environment are declared: ours and Spring Boot's server ones. */
    private static final List<String> SETTINGS_PACKAGES = List.of("org.dsd.messaging",
            "org.springframework.boot.autoconfigure.web", "org.springframework.boot.autoconfigure.security",
            "org.springframework.boot.actuate.autoconfigure.web.server");

    @Test
    void composeAcceptsTheFileAndRefusesToRunWithoutAManagementPassword() throws Exception {
        assertThat(ComposeProject.services()).isNotEmpty();

        Command.Run withoutPassword = ComposeProject.compose(Map.of(), "config");
        assertThat(withoutPassword.exitCode()).as(withoutPassword.output()).isNotZero();
        assertThat(withoutPassword.output()).contains("set MANAGEMENT_PASSWORD in .env");
    }

    @Test
    void runsTheInstancesOfTopologyOnTheirPortsAroundThreeMembers() throws Exception {
        Map<String, Map<String, Object>> services = ComposeProject.services();
        assertThat(services.keySet()).containsAll(MEMBERS);
        Set<String> instances = apps(services).values().stream()
                .map(app -> appName(app) + "-" + ComposeProject.environment(app).get("SERVER_PORT"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(instances).isEqualTo(new TreeSet<>(topologySeed()));

        apps(services).forEach((name, service) -> {
            int port = Integer.parseInt(ComposeProject.environment(service).get("SERVER_PORT"));
            int management = port + 1000;
            assertThat(published(service)).as(name + ": its business port on PUBLISH_ADDRESS (loopback by default), "
                            + "its management port on loopback only")
                    .containsExactlyInAnyOrder("127.0.0.1:" + port + ":" + port,
                            "127.0.0.1:" + management + ":" + management);
        });
        for (String member : MEMBERS) {
            assertThat(published(services.get(member))).as(member + ": Hazelcast's port has no login").isEmpty();
        }
    }

    @Test
    void theAppsJoinTheMembersAsTheDesignRequiresWithTheSameClusterAndQueue() throws Exception {
        Map<String, Map<String, Object>> services = ComposeProject.services();
        HazelcastProperties defaults = new Binder(List.of()).bindOrCreate("app.hazelcast", HazelcastProperties.class);
        String memberList = String.join(",", new TreeSet<>(MEMBERS).stream().map(member -> member + ":5701").toList());
        apps(services).forEach((name, service) -> {
            Map<String, String> environment = ComposeProject.environment(service);
            HazelcastProperties hazelcast = bind(environment, "app.hazelcast", HazelcastProperties.class);
            assertThat(hazelcast.clusterName()).as(name).isEqualTo(defaults.clusterName());
            assertThat(String.join(",", hazelcast.members())).as(name).isEqualTo(memberList);
            // Logging keeps no data of its own here; messages stays a lite member (README: client mode).
            assertThat(hazelcast.mode()).as(name).isEqualTo(appName(service).equals("messages")
                    ? HazelcastProperties.Mode.LITE_MEMBER : HazelcastProperties.Mode.CLIENT);
            assertThat(environment.get("APP_QUEUE_URI")).as(name + ": the Hazelcast queue unless .env says").isEmpty();
        });
        for (String member : MEMBERS) {
            Map<String, String> environment = ComposeProject.environment(services.get(member));
            assertThat(environment).containsEntry("HZ_NETWORK_PUBLICADDRESS", member + ":5701")
                    .containsEntry("HZ_NETWORK_JOIN_TCPIP_MEMBERS", memberList);
        }
    }

    @Test
    void theMembersAreConfiguredAsTheMembersTopologyEmbeds() throws Exception {
        Config file;
        try (InputStream yaml = Files.newInputStream(ROOT.resolve("cluster/src/main/resources/" + HazelcastConfigs.MEMBER_FILE))) {
            file = new YamlConfigBuilder(yaml).build();
        }
        Config embedded = HazelcastConfigs.member(new Binder(List.of()).bindOrCreate("app.hazelcast",
                HazelcastProperties.class));

        assertThat(file.getClusterName()).isEqualTo(embedded.getClusterName());
        for (String property : List.of("hazelcast.heartbeat.failuredetector.type",
                "hazelcast.heartbeat.interval.seconds",
                "hazelcast.max.no.heartbeat.seconds", "hazelcast.merge.first.run.delay.seconds",
                "hazelcast.merge.next.run.delay.seconds", "hazelcast.operation.fail.on.indeterminate.state",
                "hazelcast.operation.call.timeout.millis", "hazelcast.operation.response.thread.count",
                "hazelcast.jmx", "hazelcast.phone.home.enabled", "hazelcast.wait.seconds.before.join")) {
            assertThat(file.getProperty(property)).as(property).isEqualTo(embedded.getProperty(property));
        }
        assertThat(file.getNetworkConfig().getJoin().getTcpIpConfig().getConnectionTimeoutSeconds())
                .isEqualTo(embedded.getNetworkConfig().getJoin().getTcpIpConfig().getConnectionTimeoutSeconds());
        assertThat(file.getMapConfig("default").getBackupCount())
                .isEqualTo(embedded.getMapConfig("default").getBackupCount());
        assertThat(file.getMapConfig("default").getSplitBrainProtectionName()).isEqualTo(DataMemberQuorum.NAME);
        QueueConfig fileQueue = file.getQueueConfig("default");
        QueueConfig embeddedQueue = embedded.getQueueConfig("default");
        assertThat(fileQueue.getBackupCount()).isEqualTo(embeddedQueue.getBackupCount());
        assertThat(fileQueue.getMaxSize()).isEqualTo(embeddedQueue.getMaxSize());
        assertThat(fileQueue.getSplitBrainProtectionName()).isEqualTo(DataMemberQuorum.NAME);

        SplitBrainProtectionConfig fileQuorum = file.getSplitBrainProtectionConfig(DataMemberQuorum.NAME);
        SplitBrainProtectionConfig embeddedQuorum = embedded.getSplitBrainProtectionConfig(DataMemberQuorum.NAME);
        assertThat(fileQuorum.isEnabled()).isTrue();
        assertThat(fileQuorum.getProtectOn()).isEqualTo(embeddedQuorum.getProtectOn());
        assertThat(fileQuorum.getFunctionClassName()).isEqualTo(DataMemberQuorum.class.getName());
        // The member image builds the function from its name: the tolerance falls back to the same default.
        assertThat(new DataMemberQuorum()).usingRecursiveComparison()
                .isEqualTo(embeddedQuorum.getFunctionImplementation());
    }

    @Test
    void everyEnvironmentVariableIsASettingOfItsApp() throws Exception {
        Map<String, Map<String, Object>> services = ComposeProject.services();
        Map<String, String> imageEnvironment = ComposeProject.appImageEnvironment();
        apps(services).forEach((name, service) -> {
            Map<String, String> environment = new LinkedHashMap<>(imageEnvironment);
            environment.putAll(ComposeProject.environment(service));
            // One at a time: a variable that no setting reads binds nothing.
            environment.forEach((variable, value) -> assertThat(settingsReading(Map.of(variable, value)))
                    .as(name + ": " + variable + " is read by no setting of the app").isNotEmpty());
        });
    }

    @Test
    void secretsComeOnlyFromVariablesThatEnvExampleListsWithoutAValue() throws Exception {
        String compose = Files.readString(ROOT.resolve("docker-compose.yml"));
        Matcher secret = Pattern.compile("(?im)^\\s*([A-Z_]*(PASSWORD|SECRET|TOKEN)[A-Z_]*):\\s*(.*)$")
                .matcher(compose);
        int secrets = 0;
        while (secret.find()) {
            secrets++;
            assertThat(secret.group(3)).as(secret.group(1)).matches("\\$\\{[A-Z_]+(:?[-?][^}]*)?}");
        }
        assertThat(secrets).isPositive();

        List<String> example = Files.readAllLines(ROOT.resolve(".env.example"));
        Matcher variable = Pattern.compile("\\$\\{([A-Z_]+)").matcher(compose);
        while (variable.find()) {
            String name = variable.group(1);
            assertThat(example).as(".env.example names " + name).anyMatch(line -> line.startsWith(name + "=")
                    || line.startsWith("#" + name + "="));
        }
        assertThat(example).as("no password in .env.example").noneMatch(line -> line.matches("[A-Z_]*PASSWORD=.+"));
        assertThat(Files.readAllLines(ROOT.resolve(".gitignore"))).contains(".env");
    }

    @Test
    void everyImageBuildsFromWhatMavenPackageLeaves() throws Exception {
        Map<String, Map<String, Object>> services = ComposeProject.services();
        List<String> ignore = Files.readAllLines(ROOT.resolve(".dockerignore")).stream()
                .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        int images = 0;
        for (Map.Entry<String, Map<String, Object>> service : services.entrySet()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> build = (Map<String, Object>) service.getValue().get("build");
            if (build == null) {
                continue;
            }
            images++;
            Path context = Path.of(String.valueOf(build.get("context")));
            assertThat(context).isEqualTo(ROOT);
            Path dockerfile = context.resolve(String.valueOf(build.getOrDefault("dockerfile", "Dockerfile")));
            assertThat(dockerfile).as(service.getKey()).isRegularFile();
            @SuppressWarnings("unchecked")
            Map<String, Object> arguments = (Map<String, Object>) build.getOrDefault("args", Map.of());
            for (String source : copiedSources(dockerfile, arguments)) {
                List<Path> matches = matching(context, source);
                assertThat(matches).as(service.getKey() + ": " + dockerfile.getFileName() + " copies " + source)
                        .isNotEmpty();
                for (Path match : matches) {
                    assertThat(ignored(ignore, context.relativize(match).toString()))
                            .as(match + " is left out of the build context by .dockerignore").isFalse();
                }
            }
        }
        assertThat(images).as("the members' and the three apps' images").isEqualTo(9);
    }

    @Test
    void theProfilesAddKafkaAndManagementCenterAndTheKafkaQueueNamesThatBroker() throws Exception {
        Map<String, Map<String, Object>> services = ComposeProject.services("kafka", "management-center");
        assertThat(services).containsKeys("kafka", "management-center");
        assertThat(published(services.get("kafka"))).containsExactly("127.0.0.1:9092:9092");
        assertThat(published(services.get("management-center"))).containsExactly("127.0.0.1:8090:8080");
        assertThat(ComposeProject.environment(services.get("kafka")))
                .containsEntry("KAFKA_ADVERTISED_LISTENERS", "PLAINTEXT://kafka:9092");

        String kafkaQueue = Files.readAllLines(ROOT.resolve(".env.example")).stream()
                .filter(line -> line.startsWith("#QUEUE_URI=")).findFirst().orElseThrow()
                .substring("#QUEUE_URI=".length());
        assertThat(kafkaQueue).startsWith("kafka:").contains("brokers=kafka:9092");
        Map<String, String> withKafka = Map.of("MANAGEMENT_PASSWORD", ComposeProject.TEST_PASSWORD,
                "QUEUE_URI", kafkaQueue, "COMPOSE_PROFILES", "kafka");
        Command.Run run = ComposeProject.compose(withKafka, "config");
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("kafka:", "APP_QUEUE_URI: " + kafkaQueue);
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    /** The services built from this project's app image, by name. */
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> apps(Map<String, Map<String, Object>> services) {
        Map<String, Map<String, Object>> apps = new LinkedHashMap<>();
        services.forEach((name, service) -> {
            Map<String, Object> build = (Map<String, Object>) service.get("build");
            if (build != null && build.get("args") instanceof Map<?, ?> arguments && arguments.containsKey("APP")) {
                apps.put(name, service);
            }
        });
        return apps;
    }

    @SuppressWarnings("unchecked")
    private static String appName(Map<String, Object> service) {
        Map<String, Object> build = (Map<String, Object>) service.get("build");
        return String.valueOf(((Map<String, Object>) build.get("args")).get("APP"));
    }

    /** The instances ./topology starts: its LOGGING and OTHERS lists. */
    private static List<String> topologySeed() throws Exception {
        List<String> seed = new ArrayList<>();
        Matcher list = Pattern.compile("(?m)^(LOGGING|OTHERS)=\\(([^)]*)\\)")
                .matcher(Files.readString(ROOT.resolve("topology")));
        while (list.find()) {
            seed.addAll(List.of(list.group(2).trim().split("\\s+")));
        }
        assertThat(seed).hasSize(6);
        return seed;
    }

    /** Published ports as host-address:host-port:container-port (Compose v1 prints strings, v2 maps). */
    @SuppressWarnings("unchecked")
    private static List<String> published(Map<String, Object> service) {
        List<String> ports = new ArrayList<>();
        for (Object port : (List<Object>) service.getOrDefault("ports", List.of())) {
            if (port instanceof Map<?, ?> longForm) {
                ports.add(longForm.get("host_ip") + ":" + longForm.get("published") + ":" + longForm.get("target"));
            } else {
                ports.add(String.valueOf(port).replaceFirst("/tcp$", ""));
            }
        }
        return ports;
    }

    private static <T> T bind(Map<String, String> environment, String prefix, Class<T> type) {
        return binder(environment).bindOrCreate(prefix, type);
    }

    /** A binder over the variables as an app's own environment has them. */
    private static Binder binder(Map<String, String> environment) {
        return new Binder(ConfigurationPropertySource.from(
                new SystemEnvironmentPropertySource(ENVIRONMENT, Map.copyOf(environment))));
    }

    /** The settings of the apps' and Spring Boot's configuration classes that take a value from the environment. */
    private static List<ConfigurationPropertyName> settingsReading(Map<String, String> environment) {
        Binder binder = binder(environment);
        List<ConfigurationPropertyName> bound = new ArrayList<>();
        BindHandler recording = new AbstractBindHandler() {
            @Override
            public Object onSuccess(ConfigurationPropertyName name, Bindable<?> target, BindContext context,
                                    Object result) {
                bound.add(name);
                return result;
            }
        };
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
        for (String settingsPackage : SETTINGS_PACKAGES) {
            for (BeanDefinition candidate : scanner.findCandidateComponents(settingsPackage)) {
                Class<?> type = load(candidate.getBeanClassName());
                ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
                String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
                binder.bind(prefix, Bindable.of(type), recording);
            }
        }
        return bound;
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The sources of a Dockerfile's COPY instructions from the build context, build arguments filled in. */
    private static List<String> copiedSources(Path dockerfile, Map<String, Object> arguments) throws Exception {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> sources = new ArrayList<>();
        for (String line : Files.readAllLines(dockerfile)) {
            Matcher argument = Pattern.compile("^ARG\\s+(\\w+)(?:=(\\S*))?").matcher(line);
            if (argument.find()) {
                Object given = arguments.get(argument.group(1));
                values.put(argument.group(1), given != null ? String.valueOf(given) : argument.group(2));
            }
            if (line.startsWith("COPY ") && !line.contains("--from=")) {
                String[] words = line.substring(5).trim().split("\\s+");
                for (int i = 0; i < words.length - 1; i++) {
                    String source = words[i];
                    for (Map.Entry<String, String> value : values.entrySet()) {
                        source = source.replace("${" + value.getKey() + "}", String.valueOf(value.getValue()));
                    }
                    assertThat(source).as(line).doesNotContain("$");
                    sources.add(source);
                }
            }
        }
        assertThat(sources).as(dockerfile + " copies something").isNotEmpty();
        return sources;
    }

    private static List<Path> matching(Path context, String source) throws Exception {
        var matcher = FileSystems.getDefault().getPathMatcher("glob:" + source);
        try (Stream<Path> files = Files.walk(context, 6)) {
            return files.filter(file -> !file.startsWith(context.resolve(".git")))
                    .filter(file -> matcher.matches(context.relativize(file))).toList();
        }
    }

    /** Docker's rule: the last pattern that matches the path or one of its parents decides; '!' takes it back in. */
    private static boolean ignored(List<String> patterns, String path) {
        boolean ignored = false;
        for (String pattern : patterns) {
            boolean exception = pattern.startsWith("!");
            String glob = (exception ? pattern.substring(1) : pattern).replaceFirst("/$", "");
            var matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
            for (Path prefix = Path.of(path); prefix != null; prefix = prefix.getParent()) {
                if (matcher.matches(prefix)) {
                    ignored = !exception;
                    break;
                }
            }
        }
        return ignored;
    }
}
