package org.dsd.messaging.http;

import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.error.ErrorMvcAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * The HTTP edge every service shares: requests routed on the servlet thread, bodies read and bounded before a route
 * runs, and every error answered as JSON. Before Camel's platform-http and Spring Boot's error handling, each of which
 * steps back for a bean of its kind that is already there.
 */
@AutoConfiguration(before = {SpringBootPlatformHttpAutoConfiguration.class, ErrorMvcAutoConfiguration.class})
@Import({SynchronousPlatformHttpEngine.class, RequestBodyFilter.class, MessageRequestReader.class, JsonReplies.class,
        HttpErrorRoutes.class, JsonErrorController.class, JsonErrorReportValve.Installer.class})
public class HttpEdgeAutoConfiguration {
}
