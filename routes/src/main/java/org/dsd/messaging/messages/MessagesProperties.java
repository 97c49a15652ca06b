package org.dsd.messaging.messages;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.UUID;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param instanceId      who this instance is in the record of consumed messages: an instance restarted under
 *                        the same id lists what it consumed before. Default: its host and HTTP port
 * @param consumedMapName the Hazelcast map that records, per message uuid, which instance consumed it
 */
@ConfigurationProperties("app.messages")
public record MessagesProperties(String instanceId, @DefaultValue("consumed-messages") String consumedMapName) {

    /** {@link #instanceId()}, else the address this instance serves on (its host name when it is every address). */
    public String instanceId(String serverAddress, int serverPort) throws UnknownHostException {
        if (instanceId != null && !instanceId.isBlank()) {
            return instanceId;
        }
        if (serverPort == 0) {
            // A port picked at start says nothing about the next start: this identity lasts one run.
            return "instance-" + UUID.randomUUID();
        }
        boolean everyAddress = serverAddress == null || serverAddress.isBlank() || serverAddress.equals("0.0.0.0");
        return (everyAddress ? InetAddress.getLocalHost().getHostName() : serverAddress) + ":" + serverPort;
    }
}
