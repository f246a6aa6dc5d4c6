package io.nines.store.results;

/**
 * A result the store refused; the agent should not send it again.
 *
 * @param id the result's id, {@code agentId/sequence}
 * @param reason what was wrong and what would be right, e.g. {@code unknown check 'x'}
 */
public record Rejection(String id, String reason) {}
