package org.dsd.messaging.system;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A command run to its end with no input, its output and errors captured in a file: unlike a pipe read after the
 * wait, a file never fills up and stalls the command, and the time limit holds.
 */
final class Command {

    record Run(int exitCode, String output) {
    }

    private Command() {
    }

    /**
     * @param directory   where it runs; null: here
     * @param environment changes to the environment it inherits
     * @throws AssertionError when it has not finished within {@code limit} (it is killed then)
     */
    static Run run(List<String> command, Path directory, Consumer<Map<String, String>> environment, Duration limit) {
        Path output = null;
        try {
            output = Files.createTempFile("command", ".out");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            if (directory != null) {
                builder.directory(directory.toFile());
            }
            environment.accept(builder.environment());
            Process process = builder.start();
            boolean finished = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.destroyForcibly();
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            if (!finished) {
                throw new AssertionError(String.join(" ", command) + " did not finish in " + limit + ": " + text);
            }
            return new Run(process.exitValue(), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            if (output != null) {
                output.toFile().delete();
            }
        }
    }
}
