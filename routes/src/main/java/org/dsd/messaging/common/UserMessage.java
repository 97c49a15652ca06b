package org.dsd.messaging.common;

/** A message as users see it on every API and on the queue: the id the facade gave it and its text. */
public record UserMessage(String uuid, String msg) {
}
