# One image per app, from the jar `./mvnw package` built: the build context is the repository's top.
#   docker build --build-arg APP=logging -t camel-messaging/logging .     (APP: facade, logging or messages)
# docker-compose.yml builds all three.
ARG JRE_IMAGE=eclipse-temurin:17-jre

# Spring Boot's layers, extracted from the jar: dependencies change least, so they come first and stay cached.
FROM ${JRE_IMAGE} AS layers
ARG APP
WORKDIR /layers
COPY ${APP}-app/target/${APP}-app-*.jar app.jar
RUN java -Djarmode=tools -jar app.jar extract --layers --launcher --destination extracted

FROM ${JRE_IMAGE}
ARG APP
RUN groupadd --system app && useradd --system --gid app --no-create-home --home-dir /app app
WORKDIR /app
COPY --from=layers /layers/extracted/dependencies/ ./
COPY --from=layers /layers/extracted/spring-boot-loader/ ./
COPY --from=layers /layers/extracted/snapshot-dependencies/ ./
COPY --from=layers /layers/extracted/application/ ./
COPY docker/healthcheck.sh /usr/local/bin/healthcheck
USER app
# In a container the app listens on every interface of its own network namespace; the host publishes the ports.
# JAVA_OPTS: the heap follows the container's memory limit; out of memory ends the process, and the container's
# restart policy starts a clean one.
ENV SERVER_ADDRESS=0.0.0.0 \
    MANAGEMENT_SERVER_ADDRESS=0.0.0.0 \
    APP_HAZELCAST_BIND_ADDRESS=0.0.0.0 \
    JAVA_OPTS="-XX:MaxRAMPercentage=70 -XX:+ExitOnOutOfMemoryError -XX:+UseSerialGC"
HEALTHCHECK --interval=10s --timeout=5s --start-period=120s --retries=3 CMD ["healthcheck"]
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS org.springframework.boot.loader.launch.JarLauncher \"$@\"", "app"]
