package org.dsd.messaging.system;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** What a test needs from Debian's packages, installed as CI does it: non-interactively, the index updated first. */
final class DebianPackages {

    private DebianPackages() {
    }

    /** Whether {@code apt-get} installed the packages (it needs root). */
    static boolean install(String... packages) throws IOException, InterruptedException {
        ProcessBuilder install = new ProcessBuilder("bash", "-c",
                "apt-get update -qq && apt-get install -y -qq " + String.join(" ", packages))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        install.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process process = install.start();
        process.getOutputStream().close();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            return false;
        }
        return process.exitValue() == 0;
    }
}
