package org.dsd.messaging.testservices;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a frozen instance looks like to the facade: a port that accepts connections, takes what is sent and never
 * answers.
 */
public final class SilentInstance implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    public SilentInstance() {
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::accept, "silent-instance");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                accepted.add(socket);
                // Reads the request, as a live process's kernel would buffer it, and never answers.
                Thread reader = new Thread(() -> {
                    try {
                        socket.getInputStream().transferTo(OutputStream.nullOutputStream());
                    } catch (IOException closed) {
                        // closed by the client or by close()
                    }
                }, "silent-instance-reader");
                reader.setDaemon(true);
                reader.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** How many connections it accepted: requests that reached it. */
    public int accepted() {
        return accepted.size();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : accepted) {
            socket.close();
        }
    }
}
