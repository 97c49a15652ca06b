package org.dsd.messaging.management;

import org.springframework.boot.actuate.autoconfigure.security.servlet.ManagementWebSecurityAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * Management behind a login on a port of its own ({@link ManagementPortDefault}). Before Spring Boot's security
 * defaults, which step back once a filter chain of ours is there.
 */
@AutoConfiguration(before = {ManagementWebSecurityAutoConfiguration.class, SecurityAutoConfiguration.class})
@Import({ManagementSecurity.class, BusinessPortHealth.class})
public class ManagementAutoConfiguration {
}
