package org.dsd.messaging.common;

/** POST /facade: the message under the uuid the facade gave it, and logging's answer. */
public record PostedAnswer(UserMessage message, LoggedAnswer response) {
}
