package org.dsd.messaging.http;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** The host others reach this app at, by default. */
public final class ServerHost {

    private ServerHost() {
    }

    /** {@code server.address}, or the host name when the server listens on every address. */
    public static String of(String serverAddress) throws UnknownHostException {
        boolean everyAddress = serverAddress == null || serverAddress.isBlank() || serverAddress.equals("0.0.0.0")
                || serverAddress.equals("::");
        return everyAddress ? InetAddress.getLocalHost().getHostName() : serverAddress;
    }
}
