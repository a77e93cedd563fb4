"""Rules live here: ownership, states, audit, outbox. Routes call one function of these modules."""
