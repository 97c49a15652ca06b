package org.dsd.messaging.system;

import java.time.Duration;
import java.util.List;

/** What a test needs from Debian's packages, installed as CI does it: non-interactively, the index updated first. */
final class DebianPackages {

    private DebianPackages() {
    }

    /** Whether {@code apt-get} installed the packages (it needs root). */
    static boolean install(String... packages) {
        String install = "apt-get update -qq && apt-get install -y -qq " + String.join(" ", packages);
        return Command.run(List.of("bash", "-c", install), null,
                environment -> environment.put("DEBIAN_FRONTEND", "noninteractive"), Duration.ofMinutes(10))
                .exitCode() == 0;
    }
}
