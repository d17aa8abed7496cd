package io.cachekit.backend.file;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import io.cachekit.test.ManualTime;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class FileBackendConfigTests {

	@Test
	void defaultsMatchTheDocumentedValues() {
		FileBackendConfig config = FileBackendConfig.builder().directory(Path.of("/var/cache/app")).build();
		assertThat(config.directory()).isEqualTo(Path.of("/var/cache/app"));
		assertThat(config.maxTotalBytes()).isEqualTo(256L * 1024 * 1024);
		assertThat(config.maxEntries()).isEqualTo(100_000);
		assertThat(config.maxValueSize()).isEqualTo(16 * 1024 * 1024);
		assertThat(config.sweepInterval()).isEqualTo(Duration.ofMinutes(1));
		assertThat(config.fsync()).isFalse();
		assertThat(config.clock()).isEqualTo(Clock.systemUTC());
	}

	@Test
	void defaultDirectoryIsCachekitUnderTheTemporaryDirectory() {
		Path expected = Path.of(System.getProperty("java.io.tmpdir"), "cachekit").toAbsolutePath().normalize();
		assertThat(FileBackendConfig.defaultDirectory()).isEqualTo(expected).isAbsolute();
	}

	@Test
	void buildWithoutDirectoryIsRefusedSuggestingTheDefault() {
		assertThatIllegalArgumentException().isThrownBy(() -> FileBackendConfig.builder().build())
			.withMessageContaining("directory must be set")
			.withMessageContaining("FileBackendConfig.defaultDirectory()");
	}

	@Test
	void emptyOrNullDirectoryIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> FileBackendConfig.builder().directory(Path.of("")))
			.withMessageContaining("directory must not be empty");
		assertThatNullPointerException().isThrownBy(() -> FileBackendConfig.builder().directory(null))
			.withMessageContaining("directory");
	}

	@Test
	void relativeDirectoryIsMadeAbsoluteAndNormalized() {
		FileBackendConfig config = FileBackendConfig.builder().directory(Path.of("cache/../cache/./app")).build();
		assertThat(config.directory()).isAbsolute().isEqualTo(Path.of("cache/app").toAbsolutePath());
	}

	@Test
	void outOfRangeNumbersAreRefusedNamingTheSetting() {
		FileBackendConfig.Builder builder = FileBackendConfig.builder();
		assertThatIllegalArgumentException().isThrownBy(() -> builder.maxTotalBytes(0))
			.withMessage("max total size must be between 1 and 9223372036854775807 bytes, was 0 bytes");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.maxTotalBytes(-5))
			.withMessageContaining("max total size");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.maxEntries(0))
			.withMessage("max entries must be between 1 and 2147483647, was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.maxValueSize(0))
			.withMessageContaining("max value size must be between 1 and 1073741824");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.maxValueSize((1 << 30) + 1))
			.withMessageContaining("max value size");
	}

	@Test
	void nonPositiveSweepIntervalIsRefusedNamingTheSetting() {
		FileBackendConfig.Builder builder = FileBackendConfig.builder();
		assertThatIllegalArgumentException().isThrownBy(() -> builder.sweepInterval(Duration.ZERO))
			.withMessage("sweep interval must be positive, was 0s");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.sweepInterval(Duration.ofSeconds(-1)))
			.withMessage("sweep interval must be positive, was -1s");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.sweepInterval(Duration.ofNanos(10)))
			.withMessageContaining("at least 1ms");
		assertThatNullPointerException().isThrownBy(() -> builder.sweepInterval(null))
			.withMessageContaining("sweep interval");
	}

	@Test
	void maxValueSizeOverMaxTotalBytesIsRefused() {
		FileBackendConfig.Builder builder = FileBackendConfig.builder()
			.directory(Path.of("/tmp/c"))
			.maxTotalBytes(1000)
			.maxValueSize(1001);
		assertThatIllegalArgumentException().isThrownBy(builder::build)
			.withMessageContaining("max value size (1001 bytes) must not be over the max total size (1000 bytes)");
	}

	@Test
	void nullClockIsRefused() {
		assertThatNullPointerException().isThrownBy(() -> FileBackendConfig.builder().clock(null))
			.withMessageContaining("clock");
	}

	@Test
	void toBuilderCopiesEverySetting() {
		FileBackendConfig config = FileBackendConfig.builder()
			.directory(Path.of("/var/cache/app"))
			.maxTotalBytes(10_000)
			.maxEntries(50)
			.maxValueSize(5000)
			.sweepInterval(Duration.ofSeconds(7))
			.fsync(true)
			.clock(new ManualTime())
			.build();
		assertThat(config.toBuilder().build()).usingRecursiveComparison().isEqualTo(config);
	}

}
