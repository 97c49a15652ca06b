package org.dsd.messaging.messages;

import java.net.UnknownHostException;
import java.time.Duration;
import java.util.UUID;

import org.dsd.messaging.http.ServerHost;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param instanceId      who this instance is in the record of consumed messages: an instance restarted under
 *                        the same id lists what it consumed before. Default: its host and HTTP port
 * @param consumedMapName the Hazelcast map that records, per message uuid, which instance consumed it
 * @param redelivery      how often, and after how long, a logged message nobody consumed is queued again
 * @param readWindow      how many messages the whole list reads from the record at a time: what a list holds in
 *                        memory while it goes out, however many this instance consumed
 */
@ConfigurationProperties("app.messages")
public record MessagesProperties(String instanceId,
                                 @DefaultValue("consumed-messages") String consumedMapName,
                                 @DefaultValue Redelivery redelivery,
                                 @DefaultValue("5000") int readWindow) {

    public MessagesProperties {
        if (readWindow < 1) {
            throw new IllegalArgumentException("app.messages.read-window must be at least 1, not " + readWindow);
        }
    }

    /**
     * @param period how often the oldest messages instance compares the two maps
     * @param grace  how old a logged message must be before its absence counts: longer than a message takes
     *               from the logging map onto the queue
     */
    public record Redelivery(@DefaultValue("5s") Duration period, @DefaultValue("30s") Duration grace) {
    }

    /** {@link #instanceId()}, else the address this instance serves on (its host name when it is every address). */
    public String instanceId(String serverAddress, int serverPort) throws UnknownHostException {
        if (instanceId != null && !instanceId.isBlank()) {
            return instanceId;
        }
        if (serverPort == 0) {
            // A port picked at start says nothing about the next start: this identity lasts one run.
            return "instance-" + UUID.randomUUID();
        }
        return ServerHost.of(serverAddress) + ":" + serverPort;
    }
}
