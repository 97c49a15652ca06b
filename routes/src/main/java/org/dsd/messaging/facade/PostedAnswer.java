package org.dsd.messaging.facade;

import org.dsd.messaging.common.LoggedAnswer;
import org.dsd.messaging.common.UserMessage;

/** POST /facade: the message under the uuid the facade gave it, and logging's answer. */
public record PostedAnswer(UserMessage message, LoggedAnswer response) {
}
