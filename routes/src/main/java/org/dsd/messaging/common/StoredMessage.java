package org.dsd.messaging.common;

/**
 * A message as the distributed map keeps it. {@code acceptedAt} is Hazelcast cluster time, the same clock on
 * every member, so listing in that order is the order in which the messages were logged.
 */
public record StoredMessage(String uuid, String msg, long acceptedAt) {

    public UserMessage toUserMessage() {
        return new UserMessage(uuid, msg);
    }
}
