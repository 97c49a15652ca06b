package org.dsd.messaging.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The figures a system test measured: printed to its output, and appended to {@code target/figures.txt}, which
 * {@code .ci/run} prints at the end of the build (the tests' own output goes to files).
 */
final class Figures {

    private static final Path FILE = Path.of(System.getProperty("topology.logs", "target/topology-logs"))
            .resolveSibling("figures.txt");

    private Figures() {
    }

    static synchronized void print(String format, Object... args) {
        String text = String.format(format, args);
        System.out.print(text);
        try {
            Files.writeString(FILE, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
