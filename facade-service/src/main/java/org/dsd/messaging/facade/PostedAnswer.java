package org.dsd.messaging.facade;

import org.dsd.messaging.model.LoggedAnswer;
import org.dsd.messaging.model.UserMessage;

/** POST /facade: the message under the uuid the facade gave it, and logging's answer. */
public record PostedAnswer(UserMessage message, LoggedAnswer response) {
}
