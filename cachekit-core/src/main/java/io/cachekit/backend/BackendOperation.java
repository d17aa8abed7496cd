package io.cachekit.backend;

/**
 * The backend operation a {@link BackendException} or a measurement is about.
 */
public enum BackendOperation {

	/** {@link Backend#get(String)}. */
	GET,

	/** {@link Backend#set(String, byte[], java.time.Duration)}. */
	SET,

	/** {@link Backend#delete(String)}. */
	DELETE,

	/** {@link Backend#exists(String)}. */
	EXISTS,

	/** {@link Backend#health()}. */
	HEALTH,

	/** {@link AddIfAbsent#addIfAbsent(String, byte[], java.time.Duration)}. */
	ADD_IF_ABSENT,

	/** {@link BulkGet#getAll(java.util.Collection)}. */
	GET_ALL,

	/** {@link Increment#increment(String, long, long, java.time.Duration)}. */
	INCREMENT,

	/** {@link TtlInspection#remainingTtl(String)}. */
	TTL,

	/** {@link Broadcast#publish(String, byte[])}. */
	PUBLISH

}
