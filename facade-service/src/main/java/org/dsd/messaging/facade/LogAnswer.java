package org.dsd.messaging.facade;

/** A logging instance's answer about one message: its status as POST /logging gives it, and what it said. */
public record LogAnswer(int status, String detail) {
}
