package org.dsd.messaging.http;

import java.io.IOException;
import java.io.Writer;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Tomcat refuses some requests before any servlet sees them (an encoded '/' in the path, for one) and then writes
 * its own HTML error page; this valve writes {@code {"error": ...}} instead, like every other error of the API.
 * Errors that reach Spring are answered by {@link JsonErrorController} and pass through untouched.
 */
public class JsonErrorReportValve extends ErrorReportValve {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        HttpStatus known = HttpStatus.resolve(status);
        String reason = (known == null ? "Error " + status : known.getReasonPhrase()) + ": refused by the web server";
        try {
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(JSON.writeValueAsString(JsonReplies.errorBody(reason)));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The client went away, or the response was committed meanwhile: nothing left to answer.
        }
    }

    /** Installs the valve on the embedded Tomcat's host (it takes the class name and creates it when it starts). */
    @Component
    static class Installer implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

        @Override
        public void customize(TomcatServletWebServerFactory factory) {
            factory.addContextCustomizers(context -> ((StandardHost) context.getParent())
                    .setErrorReportValveClass(JsonErrorReportValve.class.getName()));
        }
    }
}
