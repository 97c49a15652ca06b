package org.dsd.messaging.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts another service's Spring Boot application in the test JVM, on a free port. */
public final class ServiceContexts {

    private ServiceContexts() {
    }

    public static ConfigurableApplicationContext start(Class<?> application, String name, Map<String, String> properties) {
        Map<String, String> all = new LinkedHashMap<>(properties);
        all.put("server.port", "0");
        all.put("spring.application.name", name);
        all.put("camel.main.name", name);
        // As command-line arguments, so they override the application.yml on the test classpath.
        String[] args = all.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        // On a thread of its own: a test class with @UseAdviceWith holds back (per thread) the start of every
        // CamelContext created while it sets up, and this one must start.
        return CompletableFuture.supplyAsync(() -> new SpringApplicationBuilder(application).run(args)).join();
    }

    public static String baseUrl(ConfigurableApplicationContext context) {
        return "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
    }
}
