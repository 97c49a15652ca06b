package org.dsd.messaging.system;

import java.io.IOException;
import java.io.UncheckedIOException;

/** A process the {@link Nemesis} strikes: an app instance, or the broker of a swapped queue. */
interface Target {

    /** e.g. {@code logging-8082}. */
    String name();

    /** What it is an instance of: {@code facade}, {@code logging}, {@code messages}, or a broker's name. */
    String service();

    /** Its process now (a restart starts another). */
    Process process();

    void start();

    /** kill -9: no shutdown hook runs, connections just drop. */
    default void kill() throws InterruptedException {
        process().destroyForcibly();
        process().waitFor();
    }

    /** SIGSTOP: the process freezes, its connections stay open, nothing answers (a GC pause or a cut). */
    default void freeze() {
        signal(process(), "STOP");
    }

    /** SIGCONT after {@link #freeze()}: the process carries on where it stopped, unaware of the time gone. */
    default void resume() {
        signal(process(), "CONT");
    }

    void awaitReady();

    /** Sends {@code signal} (e.g. {@code STOP}) to {@code process}. */
    private static void signal(Process process, String signal) {
        try {
            int exit = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).start().waitFor();
            if (exit != 0) {
                throw new AssertionError("kill -" + signal + " " + process.pid() + " exited with " + exit);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
