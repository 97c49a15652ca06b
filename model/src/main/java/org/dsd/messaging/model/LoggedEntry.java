package org.dsd.messaging.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a logging instance did with one entry of a batch (POST /logging/batch), with the status that POST /logging
 * answers for it alone: 201 stored now; 200 stored before with the same text ({@code message}: the stored one); 409
 * the uuid holds another message ({@code message}: that one); 503 its write is still under way (a frozen member
 * holds its partition up), so nothing is decided yet and it may still land.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LoggedEntry(String uuid, int status, UserMessage message) {
}
