package org.dsd.messaging.system;

import java.io.IOException;
import java.io.UncheckedIOException;

/** A process the {@link Nemesis} strikes: an app instance, or the broker of a swapped queue. */
interface Target {

    /** e.g. {@code logging-8082}. */
    String name();

    /** What it is an instance of: {@code facade}, {@code logging}, {@code messages}, or a broker's name. */
    String service();

    /** kill -9: no shutdown hook runs, connections just drop. */
    void kill() throws InterruptedException;

    void start();

    /** SIGSTOP: the process freezes, its connections stay open, nothing answers (a GC pause or a cut). */
    void freeze();

    /** SIGCONT after {@link #freeze()}: the process carries on where it stopped, unaware of the time gone. */
    void resume();

    void awaitReady();

    /** Sends {@code signal} (e.g. {@code STOP}) to {@code process}. */
    static void signal(Process process, String signal) {
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
