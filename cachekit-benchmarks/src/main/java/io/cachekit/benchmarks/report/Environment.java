package io.cachekit.benchmarks.report;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Where and with what a run was made: the machine, the JDK, the command, and the versions
 * of cachekit, of every peer and of the servers.
 *
 * @param date when the report was written
 * @param machine the cores, CPU model, memory and kernel
 * @param jdk the JDK's vendor, version and VM
 * @param command the command that made the run
 * @param profile the profile and its JMH options
 * @param versions library name to version, in the order the report lists them
 */
record Environment(Instant date, String machine, String jdk, String command, String profile,
		Map<String, String> versions) {

	/**
	 * The libraries whose versions the report lists: its name, then Maven group and
	 * artifact.
	 */
	static final List<List<String>> LIBRARIES = List.of(List.of("cachekit", "io.cachekit", "cachekit-core"),
			List.of("Spring Framework (spring-context)", "org.springframework", "spring-context"),
			List.of("Spring Data Redis", "org.springframework.data", "spring-data-redis"),
			List.of("Caffeine", "com.github.ben-manes.caffeine", "caffeine"),
			List.of("Lettuce", "io.lettuce", "lettuce-core"),
			List.of("elasticache-java-cluster-client (spymemcached)", "com.amazonaws",
					"elasticache-java-cluster-client"),
			List.of("memcached-spring-boot", "io.sixhours", "memcached-spring-boot-autoconfigure"),
			List.of("JetCache", "com.alicp.jetcache", "jetcache-core"),
			List.of("Jackson 2 (cachekit's MessagePack codec)", "com.fasterxml.jackson.core", "jackson-databind"),
			List.of("Jackson 3 (Spring Data Redis's JSON serializer)", "tools.jackson.core", "jackson-databind"),
			List.of("JMH", "org.openjdk.jmh", "jmh-core"), List.of("JOL", "org.openjdk.jol", "jol-core"));

	/** How long a server's version command may run. */
	static final Duration VERSION_TIMEOUT = Duration.ofSeconds(10);

	/** The list of resolved dependencies the build puts in the benchmark jar. */
	static final String DEPENDENCY_LIST = "META-INF/cachekit-benchmarks/dependencies.txt";

	/**
	 * Describes the machine and JVM this runs on, and reads the versions from the class
	 * path and the servers' binaries.
	 * @param command the command that made the run
	 * @param profile the profile and its JMH options
	 * @param cpuSteal the percentage of CPU time the hypervisor took while the benchmarks
	 * ran, or {@code null} when it was not measured
	 * @return the environment
	 */
	static Environment detect(String command, String profile, @Nullable String cpuSteal) {
		Map<String, String> versions = libraryVersions(Environment.class.getClassLoader());
		versions.put("memcached", serverVersion(Pattern.compile("memcached (\\S+)"), "memcached", "-V"));
		versions.put("redis-server", serverVersion(Pattern.compile("v=(\\S+)"), "redis-server", "-v"));
		String jdk = System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version") + ", "
				+ System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version");
		return new Environment(Instant.now().truncatedTo(ChronoUnit.SECONDS), withSteal(describeMachine(), cpuSteal),
				jdk, command, profile, versions);
	}

	/**
	 * Adds to a machine's description how much CPU time the hypervisor took from it.
	 * @param machine the description
	 * @param cpuSteal the percentage, or {@code null} when it was not measured
	 * @return the description
	 */
	static String withSteal(String machine, @Nullable String cpuSteal) {
		if (cpuSteal == null || cpuSteal.isBlank()) {
			return machine;
		}
		return machine + "; CPU time taken by the hypervisor while the benchmarks ran (steal, /proc/stat): "
				+ cpuSteal.strip() + " %, which widens the error bars";
	}

	/**
	 * Reads each library's version from its {@code pom.properties} in the class path, or
	 * else from the build's dependency list.
	 * @param classLoader the class loader to read from
	 * @return library name to version ({@code unknown} when neither has it)
	 */
	static Map<String, String> libraryVersions(ClassLoader classLoader) {
		Map<String, String> listed = dependencyList(classLoader);
		Map<String, String> versions = new LinkedHashMap<>();
		for (List<String> library : LIBRARIES) {
			String coordinates = library.get(1) + ":" + library.get(2);
			String version = pomVersion(classLoader, library.get(1), library.get(2));
			if (version == null) {
				version = listed.getOrDefault(coordinates, "unknown");
			}
			versions.put(library.get(0), version);
		}
		return versions;
	}

	private static @Nullable String pomVersion(ClassLoader classLoader, String group, String artifact) {
		try (InputStream in = classLoader
			.getResourceAsStream("META-INF/maven/" + group + "/" + artifact + "/pom.properties")) {
			if (in == null) {
				return null;
			}
			Properties properties = new Properties();
			properties.load(in);
			return properties.getProperty("version");
		}
		catch (IOException ex) {
			return null;
		}
	}

	/**
	 * Reads {@code maven-dependency-plugin:list}'s output: lines such as
	 * {@code group:artifact:jar:version:scope}, or with a classifier before the version.
	 */
	private static Map<String, String> dependencyList(ClassLoader classLoader) {
		Map<String, String> versions = new LinkedHashMap<>();
		try (InputStream in = classLoader.getResourceAsStream(DEPENDENCY_LIST)) {
			if (in == null) {
				return versions;
			}
			for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
				String[] parts = line.trim().split(" ")[0].split(":");
				if (parts.length == 5 || parts.length == 6) {
					versions.putIfAbsent(parts[0] + ":" + parts[1], parts[parts.length - 2]);
				}
			}
		}
		catch (IOException ex) {
			// Versions are then read from pom.properties only.
		}
		return versions;
	}

	private static String serverVersion(Pattern pattern, String... command) {
		return serverVersion(pattern, VERSION_TIMEOUT, command);
	}

	/**
	 * Runs a version command, its output to a temporary file so that a command that never
	 * exits is stopped after the timeout rather than blocking a read of its output.
	 * @param pattern the pattern whose first group is the version
	 * @param timeout how long the command may run
	 * @param command the command
	 * @return the version, the whole output when the pattern does not match, or why there
	 * is none
	 */
	static String serverVersion(Pattern pattern, Duration timeout, String... command) {
		Path output = null;
		try {
			output = Files.createTempFile("cachekit-version", ".txt");
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.start();
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
				return "unknown (" + command[0] + " did not exit within " + timeout.toMillis() + " ms)";
			}
			String text = Files.readString(output, StandardCharsets.UTF_8);
			Matcher matcher = pattern.matcher(text);
			return matcher.find() ? matcher.group(1) : text.trim();
		}
		catch (IOException ex) {
			return "not installed (" + command[0] + ": " + ex.getMessage() + ")";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "unknown";
		}
		finally {
			if (output != null) {
				try {
					Files.deleteIfExists(output);
				}
				catch (IOException ex) {
					// A temporary file left behind is harmless.
				}
			}
		}
	}

	private static String describeMachine() {
		List<String> parts = new ArrayList<>();
		parts.add(Runtime.getRuntime().availableProcessors() + " cores");
		String cpu = firstValue(Path.of("/proc/cpuinfo"), "model name");
		if (cpu != null) {
			parts.add(cpu);
		}
		String memory = firstValue(Path.of("/proc/meminfo"), "MemTotal");
		if (memory != null && memory.endsWith(" kB")) {
			double gib = Long.parseLong(memory.substring(0, memory.length() - 3).trim()) / (1024.0 * 1024);
			parts.add(String.format(Locale.ROOT, "%.1f GiB memory", gib));
		}
		parts.add(System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
				+ System.getProperty("os.arch"));
		return String.join(", ", parts);
	}

	private static @Nullable String firstValue(Path file, String key) {
		try {
			for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
				int colon = line.indexOf(':');
				if (colon > 0 && line.substring(0, colon).trim().equals(key)) {
					return line.substring(colon + 1).trim();
				}
			}
		}
		catch (IOException ex) {
			// Not Linux: the machine is described without it.
		}
		return null;
	}

}
