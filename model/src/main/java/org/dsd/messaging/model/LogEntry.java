package org.dsd.messaging.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the facade asks a logging instance to store (POST /logging): a message, and the uuid of an earlier write of
 * the same message that it replaces, if any. The facade writes a message again under another uuid when the first
 * write is held up by a frozen member; the first may still land later, and is never listed or delivered.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LogEntry(String uuid, String msg, String supersedes) {

    /** The most entries a batch (POST /logging/batch) holds. */
    public static final int MOST_PER_BATCH = 64;

    public static LogEntry of(UserMessage message) {
        return new LogEntry(message.uuid(), message.msg(), null);
    }
}
