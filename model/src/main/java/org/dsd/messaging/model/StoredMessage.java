package org.dsd.messaging.model;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * A message as the distributed map keeps it. {@code acceptedAt} is the Hazelcast cluster time at which it was
 * stored: each member's clock corrected by its estimate of the master's, so members agree to within a few
 * milliseconds (more across hosts, and for a moment after the master changes), not exactly. Listed in that order,
 * messages logged further apart than that come in logging order; closer ones may come in either order.
 * {@code supersedes} names the uuid of an earlier write of the same message that this one replaces
 * ({@link LogEntry}); that one is not listed or delivered. In JSON it is a {@link UserMessage}: the rest stays inside.
 */
public record StoredMessage(String uuid, String msg, @JsonIgnore long acceptedAt, @JsonIgnore String supersedes)
        implements TimeOrdered {

    /** The cluster map of logged messages: the logging instances store into it, the messages' redelivery reads it. */
    public static final String MAP_NAME = "messages";
    /** The attribute that map queries and the sorted index read the acceptance time from. */
    public static final String ACCEPTED_AT = "acceptedAt";
    /** The attribute that names the write a message replaces. */
    public static final String SUPERSEDES = "supersedes";

    public StoredMessage(String uuid, String msg, long acceptedAt) {
        this(uuid, msg, acceptedAt, null);
    }

    @Override
    public long listedAt() {
        return acceptedAt;
    }

    public UserMessage toUserMessage() {
        return new UserMessage(uuid, msg);
    }
}
