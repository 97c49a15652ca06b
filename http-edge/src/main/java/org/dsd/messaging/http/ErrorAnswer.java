package org.dsd.messaging.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.dsd.messaging.model.UserMessage;

/** Every error: {"error": reason}; logging's 409 also names the message that holds the uuid. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorAnswer(String error, UserMessage message) {

    public ErrorAnswer(String error) {
        this(error, null);
    }
}
