package org.dsd.messaging.messages;

import org.dsd.messaging.common.UserMessage;

/**
 * The cluster's record that {@code consumer} consumed a message. {@code arrival} orders one consumer's
 * messages: it only grows, also across the consumer's restarts (see {@link ConsumedMessages}).
 */
public record ConsumedMessage(String uuid, String msg, String consumer, long arrival) {

    public UserMessage toUserMessage() {
        return new UserMessage(uuid, msg);
    }
}
