package org.dsd.messaging.facade;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.dsd.messaging.model.UserMessage;

/**
 * GET /facade: the list of a random logging and of a random messages instance, as the OpenAPI document shows it.
 * The facade passes the lists on as it read them (ServiceListsAggregation), under these two names.
 */
public record ServiceLists(@JsonProperty("logging-service") List<UserMessage> logging,
                           @JsonProperty("messages-service") List<UserMessage> messages) {
}
