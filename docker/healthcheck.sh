#!/bin/bash
# The app image's HEALTHCHECK: healthy while GET /actuator/health/readiness on the business port answers 200.
# Plain bash (/dev/tcp): the JRE base image has no curl or wget.
port="${SERVER_PORT:-8080}"
exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
printf 'GET /actuator/health/readiness HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
read -r -t 5 protocol status _ <&3 || exit 1
[[ "$status" == 200 ]]
