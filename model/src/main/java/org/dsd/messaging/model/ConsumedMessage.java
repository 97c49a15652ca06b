package org.dsd.messaging.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import org.dsd.messaging.model.TimeOrdered;
import org.dsd.messaging.model.UserMessage;

/**
 * The cluster's record that {@code consumer} consumed a message. {@code arrival} orders one consumer's
 * messages: it only grows, also across the consumer's restarts (see {@link ConsumedMessages}). In JSON it is a
 * {@link UserMessage}: who consumed it and when stay inside.
 */
public record ConsumedMessage(String uuid, String msg, @JsonIgnore String consumer, @JsonIgnore long arrival)
        implements TimeOrdered {

    /** The attributes that map queries and the sorted index read. */
    public static final String CONSUMER = "consumer";
    public static final String ARRIVAL = "arrival";

    @Override
    public long listedAt() {
        return arrival;
    }

    public UserMessage toUserMessage() {
        return new UserMessage(uuid, msg);
    }
}
