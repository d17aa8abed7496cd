package io.cachekit.backend;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for a backend whose configuration limits the size of a value, to implement next
 * to {@link BackendContract}: a value over the limit fails as {@code PERMANENT} naming
 * both sizes and stores nothing; a value of exactly the limit is stored.
 */
public interface ValueSizeLimitContract {

	/**
	 * Creates a backend on the store under test that refuses values over a size.
	 * @param bytes the largest value size
	 * @return a new backend; the test closes it when it is {@link AutoCloseable}
	 */
	Backend backendWithMaxValueSize(int bytes);

	@Test
	default void valueOverTheSizeLimitFailsAsPermanentAndStoresNothing() throws Exception {
		String key = "size-contract:" + UUID.randomUUID();
		Backend small = backendWithMaxValueSize(1000);
		try {
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> small.set(key, new byte[1001], null))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.PERMANENT))
				.withMessageContaining("1001 bytes")
				.withMessageContaining("1000");
			for (AddIfAbsent add : small.capability(AddIfAbsent.class).stream().toList()) {
				assertThatExceptionOfType(BackendException.class)
					.isThrownBy(() -> add.addIfAbsent(key, new byte[1001], null))
					.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.PERMANENT));
			}
			assertThat(small.exists(key)).isFalse();
			small.set(key + ":fits", new byte[1000], null);
			assertThat(small.get(key + ":fits")).hasSize(1000);
		}
		finally {
			KeyPrefixContract.closeIfCloseable(small);
		}
	}

}
