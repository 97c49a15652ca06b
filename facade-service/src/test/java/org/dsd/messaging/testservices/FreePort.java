package org.dsd.messaging.testservices;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** A URL nothing listens on: what a killed instance looks like to the facade. */
public final class FreePort {

    private FreePort() {
    }

    public static String deadUrl() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
