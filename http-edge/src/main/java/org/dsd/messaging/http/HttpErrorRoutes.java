package org.dsd.messaging.http;

import com.hazelcast.core.HazelcastException;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.dsd.messaging.cluster.ClusterUnavailableException;
import org.dsd.messaging.cluster.UnknownCursorException;
import org.springframework.stereotype.Component;

/** Error handling of every route that answers an HTTP request: the client always gets {"error": ...}. */
@Component
public class HttpErrorRoutes extends RouteConfigurationBuilder {

    public static final String ID = "http-errors";

    private final JsonReplies replies;

    public HttpErrorRoutes(JsonReplies replies) {
        this.replies = replies;
    }

    @Override
    public void configuration() {
        routeConfiguration(ID)
                .onException(ApiError.class).handled(true)
                    .log(LoggingLevel.DEBUG, "rejected: ${exception.message}")
                    .bean(replies, "error")
                .end()
                // A page after a message the list does not hold.
                .onException(UnknownCursorException.class).handled(true)
                    .log(LoggingLevel.DEBUG, "rejected: ${exception.message}")
                    .process(replies.errorReason(400))
                .end()
                // This instance cannot serve now (cut off from the majority, partitions on the move): another can.
                .onException(ClusterUnavailableException.class).handled(true)
                    .log(LoggingLevel.DEBUG, "refused: ${exception.message}")
                    .process(replies.errorReason(503))
                .end()
                // The cluster could not confirm an operation (a member died or froze under it): retryable.
                .onException(HazelcastException.class, HazelcastInstanceNotActiveException.class).handled(true)
                    .log(LoggingLevel.WARN, "cluster unavailable: ${exception.message}")
                    .bean(replies, "clusterUnavailable")
                .end()
                .onException(Exception.class).handled(true)
                    .log(LoggingLevel.ERROR, "failed: ${exception.stacktrace}")
                    .bean(replies, "error");
    }
}
