package org.dsd.messaging.facade;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestParamType;
import org.dsd.messaging.discovery.DiscoveryProperties;
import org.dsd.messaging.http.HttpErrorRoutes;
import org.dsd.messaging.http.JsonReplies;
import org.springframework.stereotype.Component;

import static org.dsd.messaging.http.RestContract.JSON;
import static org.dsd.messaging.http.RestContract.answer;
import static org.dsd.messaging.http.RestContract.error;

/**
 * The facade's view of the services: kept current from the registry, and answered as the seed's config server did
 * ({@code GET /services/{name}}).
 */
@Component
public class ServicesRoutes extends RouteBuilder {

    private final ServiceDirectory directory;
    private final DiscoveryProperties discovery;
    private final JsonReplies replies;

    public ServicesRoutes(ServiceDirectory directory, DiscoveryProperties discovery, JsonReplies replies) {
        this.directory = directory;
        this.discovery = discovery;
        this.replies = replies;
    }

    @Override
    public void configure() {
        if (discovery.discovery() == DiscoveryProperties.Discovery.REGISTRY) {
            from("timer:discovery-view?delay=0&period=" + discovery.registry().viewRefresh().toMillis())
                    .routeId("discovery-view")
                    // The view goes on serving what it last read; a read that fails is tried at the next tick.
                    .onException(Exception.class).handled(true)
                        .log(LoggingLevel.WARN, "registry not read, the view stays as it was: ${exception.message}")
                    .end()
                    .bean(directory, "refresh");
        }

        rest("/services").description("Where the instances of each service are")
                .get("/{name}").id("services-get-rest").description("The base URLs of a service's live instances")
                    .param().name("name").type(RestParamType.path).description("e.g. logging-service").endParam()
                    .produces(JSON).outType(String[].class)
                    .responseMessage(answer(200, "The live instances' base URLs (none while none is registered)",
                            String[].class))
                    .responseMessage(error(404, "Not a service the facade knows of"))
                    .to("direct:services-get");

        from("direct:services-get").routeId("services-get").routeConfigurationId(HttpErrorRoutes.ID)
                .bean(directory, "require(${header.name})")
                .process(exchange -> replies.reply(exchange, 200, exchange.getIn().getBody()));
    }
}
