package org.dsd.messaging.logging;

import org.dsd.messaging.model.StoredMessage;

/** What storing a message under its uuid came to; the logging routes answer each with its own status. */
public sealed interface StoreOutcome {

    /** This request stored it. */
    record Stored(StoredMessage message) implements StoreOutcome {
    }

    /** The uuid held the same text already: a retry of a logged message. */
    record AlreadyStored(StoredMessage earlier) implements StoreOutcome {
    }

    /** The uuid holds another message. */
    record Taken(StoredMessage holder) implements StoreOutcome {
    }

    /** Its write is still under way (its partition is held up): in a batch, it is answered without waiting. */
    record Undecided(String uuid) implements StoreOutcome {
    }
}
