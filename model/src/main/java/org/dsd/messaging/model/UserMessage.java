package org.dsd.messaging.model;

/**
 * A message as users see it on every API and on the queue: the id the facade gave it and its text. Both are
 * always there: a queue item without them fails to deserialise instead of travelling on half empty.
 */
public record UserMessage(String uuid, String msg) {

    public UserMessage {
        if (uuid == null || uuid.isBlank() || msg == null || msg.isBlank()) {
            throw new IllegalArgumentException("a message needs a uuid and a text");
        }
    }
}
