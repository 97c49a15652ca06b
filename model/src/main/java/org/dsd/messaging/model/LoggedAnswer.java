package org.dsd.messaging.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A stored message: 201 "Message Was Logged"; 200 "Message Was Already Logged" with the stored one. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LoggedAnswer(String success, UserMessage message) {

    public static final LoggedAnswer NOW = new LoggedAnswer("Message Was Logged", null);

    public static LoggedAnswer already(UserMessage stored) {
        return new LoggedAnswer("Message Was Already Logged", stored);
    }
}
