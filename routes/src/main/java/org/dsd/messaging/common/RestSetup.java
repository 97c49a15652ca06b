package org.dsd.messaging.common;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestBindingMode;
import org.springframework.stereotype.Component;

/** REST DSL on Spring Boot's own web server; bodies are read and written by our beans, not by a binding. */
@Component
public class RestSetup extends RouteBuilder {

    @Override
    public void configure() {
        restConfiguration()
                .component("platform-http")
                .bindingMode(RestBindingMode.off)
                // Form bodies stay raw: MessageRequestReader decodes them itself.
                .endpointProperty("populateBodyWithForm", "false");
    }
}
