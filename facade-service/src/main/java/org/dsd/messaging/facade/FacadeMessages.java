package org.dsd.messaging.facade;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.dsd.messaging.http.ApiError;
import org.dsd.messaging.http.JsonReplies;
import org.dsd.messaging.http.ListPage;
import org.dsd.messaging.model.LoggedAnswer;
import org.dsd.messaging.model.UserMessage;
import org.springframework.stereotype.Component;

/** What the facade routes do with a message between the REST endpoint, the logging service and the queue. */
@Component
public class FacadeMessages {

    public static final String MESSAGE = "userMessage";

    private final ObjectMapper json;
    private final JsonReplies replies;

    public FacadeMessages(ObjectMapper json, JsonReplies replies) {
        this.json = json;
        this.replies = replies;
    }

    /**
     * Checks a logging instance's answer: 201 (stored now) and 200 (a repeat found it stored) mean the map holds this
     * message. A 409 (the uuid holds another message) is the client's 422 when the uuid came from its
     * {@code Idempotency-Key}; otherwise it, and any other 4xx, is a bug between the services (502), since the
     * facade makes the uuids.
     */
    public void checkLogged(LogAnswer written, boolean keyed) {
        int status = written.status();
        if (status == 200 || status == 201) {
            return;
        }
        if (status == 409 && keyed) {
            throw new ApiError(422, IdempotencyKeys.HEADER + " was already used with another message");
        }
        throw new ApiError(502, "logging-service refused the message with " + status + ": " + written.detail());
    }

    /** The query that asks a logging instance for the page the client asked for; none for the whole list. */
    public String loggingQuery(@ExchangeProperty(ListPage.PROPERTY) ListPage page) {
        return page == null ? null : page.query();
    }

    /** The query that cuts a messages instance's list to the page's length. */
    public String messagesQuery(@ExchangeProperty(ListPage.PROPERTY) ListPage page) {
        return page == null ? null : new ListPage(page.limit(), null).query();
    }

    /** A 400 from a list (the client's cursor is unknown there) is the client's answer too, with its reason. */
    public void checkListed(Exchange exchange) throws IOException {
        if (Integer.valueOf(400).equals(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE))) {
            JsonNode answer = json.readTree(exchange.getMessage().getBody(byte[].class));
            throw new ApiError(400, answer.path("error").asText("the request was refused"));
        }
    }

    /** 201 with the message: the same answer for a first request and for any repeat under its Idempotency-Key. */
    public void answerPosted(@ExchangeProperty(MESSAGE) UserMessage message, Exchange exchange) throws IOException {
        replies.reply(exchange, 201, new PostedAnswer(message, LoggedAnswer.NOW));
    }
}
