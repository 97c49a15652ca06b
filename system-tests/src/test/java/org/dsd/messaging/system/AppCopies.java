package org.dsd.messaging.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.dsd.messaging.system.LocalTopology.Instance;

/**
 * The apps as the system tests run them, the way {@code ./topology} does: each built jar extracted into plain jars
 * (Spring Boot's tools jar mode), and a class data sharing archive per app and build. The first instance of
 * an app started without an archive records one when it stops gracefully ({@link LocalTopology#close()} stops it
 * so); every later start maps the classes from it instead of loading them again.
 */
final class AppCopies {

    private static final Path COPIES = Path.of(System.getProperty("topology.copies", "target/app-copies"));
    private static final Map<String, Path> EXTRACTED = new HashMap<>();
    /** Per app, the instance that records its archive. */
    private static final Map<String, Instance> RECORDERS = new HashMap<>();

    private AppCopies() {
    }

    /** The java arguments that run {@code instance} from its app's copy, with or recording the archive. */
    static synchronized List<String> javaArguments(Instance instance, Path jar) {
        Path copy = EXTRACTED.computeIfAbsent(instance.app, app -> copyOf(app, jar));
        Path archive = copy.resolve("classes.jsa");
        // The archive's warnings (classes it cannot hold) would only fill the logs.
        List<String> arguments = new ArrayList<>(List.of("-Xlog:cds*=error"));
        if (Files.exists(archive)) {
            RECORDERS.remove(instance.app, instance);
            arguments.add("-XX:SharedArchiveFile=" + archive);
        } else if (RECORDERS.get(instance.app) == null || !RECORDERS.get(instance.app).isAlive()) {
            RECORDERS.put(instance.app, instance);
            arguments.add("-XX:ArchiveClassesAtExit=" + archive);
        }
        arguments.addAll(List.of("-jar", copy.resolve(jar.getFileName()).toString()));
        return arguments;
    }

    /** Whether {@code instance} runs recording its app's archive: it writes it as it exits after SIGTERM. */
    static synchronized boolean isRecording(Instance instance) {
        return RECORDERS.get(instance.app) == instance && instance.isAlive();
    }

    /** The copy of this build of the jar, kept with its archive across test runs; older builds' copies go. */
    private static Path copyOf(String app, Path jar) {
        try {
            Path copy = COPIES.resolve(app + "-" + Files.getLastModifiedTime(jar).toMillis() + "-" + Files.size(jar));
            if (Files.exists(copy.resolve(jar.getFileName()))) {
                return copy;
            }
            Files.createDirectories(COPIES);
            try (Stream<Path> copies = Files.list(COPIES)) {
                for (Path old : copies.filter(path -> path.getFileName().toString().startsWith(app + "-")).toList()) {
                    delete(old);
                }
            }
            Process extract = new ProcessBuilder(LocalTopology.javaBinary(), "-Djarmode=tools", "-jar", jar.toString(),
                    "extract", "--destination", copy.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (extract.waitFor() != 0 || !Files.exists(copy.resolve(jar.getFileName()))) {
                throw new AssertionError("could not extract " + jar + " into " + copy);
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void delete(Path tree) throws IOException {
        try (Stream<Path> paths = Files.walk(tree)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
