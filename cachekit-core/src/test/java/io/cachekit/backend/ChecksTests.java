package io.cachekit.backend;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class ChecksTests {

	@Test
	void nullKeyIsRefusedNamingTheArgument() {
		assertThatNullPointerException().isThrownBy(() -> Checks.key(null)).withMessage("key must not be null");
		assertThat(Checks.key("")).isEmpty();
	}

	@Test
	void valueOverTheLimitFailsAsPermanentNamingTheLimit() {
		assertThatExceptionOfType(BackendException.class)
			.isThrownBy(() -> Checks.valueSize(BackendOperation.SET, "k", new byte[11], 10, "max item size"))
			.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.PERMANENT))
			.withMessageContaining("value of 11 bytes is over the max item size of 10 bytes; not stored");
		assertThat(Checks.valueSize(BackendOperation.SET, "k", new byte[10], 10, "max item size")).hasSize(10);
		assertThatNullPointerException()
			.isThrownBy(() -> Checks.valueSize(BackendOperation.SET, "k", null, 10, "max item size"))
			.withMessage("value must not be null");
	}

	@Test
	void aClosedBackendFailsAsPermanent() {
		Checks.open(false, BackendOperation.GET, "k");
		assertThatExceptionOfType(BackendException.class).isThrownBy(() -> Checks.open(true, BackendOperation.GET, "k"))
			.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.PERMANENT))
			.withMessageContaining("the backend is closed");
	}

	@Test
	void negativeIncrementArgumentsAreRefused() {
		Checks.incrementArguments(0, 0);
		assertThatIllegalArgumentException().isThrownBy(() -> Checks.incrementArguments(-1, 0))
			.withMessage("delta must not be negative, was -1");
		assertThatIllegalArgumentException().isThrownBy(() -> Checks.incrementArguments(1, -2))
			.withMessage("initialValue must not be negative, was -2");
	}

	@Test
	void settingsOutOfRangeAreRefusedNamingTheSettingByItsConcept() {
		assertThat(Checks.between("pool size", 64, 1, 64)).isEqualTo(64);
		assertThatIllegalArgumentException().isThrownBy(() -> Checks.between("pool size", 65, 1, 64))
			.withMessage("pool size must be between 1 and 64, was 65");
		assertThatIllegalArgumentException().isThrownBy(() -> Checks.bytesBetween("max item size", 0, 1, 1024))
			.withMessage("max item size must be between 1 and 1024 bytes, was 0 bytes");
	}

	@Test
	void durationsArePositiveAndWrittenForPeople() {
		assertThat(Checks.positive("operation timeout", Duration.ofMillis(1))).isEqualTo(Duration.ofMillis(1));
		assertThatIllegalArgumentException().isThrownBy(() -> Checks.positive("operation timeout", Duration.ZERO))
			.withMessage("operation timeout must be positive, was 0s");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Checks.positive("operation timeout", Duration.ofSeconds(-2)))
			.withMessage("operation timeout must be positive, was -2s");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Checks.positive("operation timeout", Duration.ofNanos(500)))
			.withMessage("operation timeout must be at least 1ms, was 500ns");
		assertThatNullPointerException().isThrownBy(() -> Checks.positive("operation timeout", null))
			.withMessage("operation timeout must not be null");
	}

}
