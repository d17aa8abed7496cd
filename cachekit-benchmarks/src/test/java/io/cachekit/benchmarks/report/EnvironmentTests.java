package io.cachekit.benchmarks.report;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Environment}.
 */
class EnvironmentTests {

	@Test
	void machineNamesTheCpuTimeTheHypervisorTookWhenMeasured() {
		assertThat(Environment.withSteal("2 cores", "4.9")).isEqualTo(
				"2 cores; CPU time taken by the hypervisor while the benchmarks ran (steal, /proc/stat): 4.9 %, which widens the error bars");
		assertThat(Environment.withSteal("2 cores", null)).isEqualTo("2 cores");
		assertThat(Environment.withSteal("2 cores", " ")).isEqualTo("2 cores");
	}

	@Test
	void serverVersionIsReadFromTheCommandsOutput() {
		assertThat(Environment.serverVersion(Pattern.compile("version (\\S+)"), Duration.ofSeconds(10), "echo",
				"server version 1.2.3"))
			.isEqualTo("1.2.3");
	}

	@Test
	@Timeout(value = 60, unit = TimeUnit.SECONDS)
	void serverVersionCommandThatNeverExitsIsStoppedAtTheTimeout() {
		// Reading the output before waiting would block until the command exits: an hour.
		assertThat(Environment.serverVersion(Pattern.compile("(\\S+)"), Duration.ofMillis(200), "sleep", "3600"))
			.isEqualTo("unknown (sleep did not exit within 200 ms)");
	}

}
