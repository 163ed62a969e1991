package dev.asyncio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's quick start, taken as a user pastes it: the first Java block of its "Quick start" section is compiled on
 * its own against this module and run in a fresh JVM, and each line it prints must match the comment on the {@code
 * println} that printed it ({@code …} in a comment stands for any text). A change to the API or to what the runtime
 * prints that the README does not follow fails here.
 */
class ReadmeQuickStartTest {
    private static final Pattern JAVA_BLOCK = Pattern.compile("## Quick start.*?```java\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern CLASS_NAME = Pattern.compile("public class (\\w+)");
    private static final Pattern PRINTED =
            Pattern.compile("System\\.out\\.println\\(.*\\); // (.*)$", Pattern.MULTILINE);

    @Test
    void theQuickStartCompilesRunsAndPrintsWhatItsCommentsSay(@TempDir Path dir) throws Exception {
        String source = quickStart();
        Matcher className = CLASS_NAME.matcher(source);
        assertThat(className.find())
                .as("the quick start declares a public class")
                .isTrue();
        String mainClass = className.group(1);
        Path file = dir.resolve(mainClass + ".java");
        Files.writeString(file, source);

        String classpath = String.join(
                File.pathSeparator,
                locationOf(Asyncio.class),
                locationOf(org.slf4j.Logger.class),
                locationOf(org.jspecify.annotations.Nullable.class));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream compilerOutput = new ByteArrayOutputStream();
        int compiled = javac.run(
                null,
                compilerOutput,
                compilerOutput,
                "--release",
                "21",
                "-d",
                dir.toString(),
                "-cp",
                classpath,
                file.toString());
        assertThat(compiled)
                .as("javac on the quick start:%n%s", compilerOutput.toString(StandardCharsets.UTF_8))
                .isZero();

        Path stdout = dir.resolve("stdout.txt");
        Path stderr = dir.resolve("stderr.txt");
        Process run = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        dir + File.pathSeparator + classpath,
                        mainClass)
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        if (!run.waitFor(60, TimeUnit.SECONDS)) {
            run.destroyForcibly();
            throw new AssertionError("the quick start did not end within 60 s");
        }
        assertThat(run.exitValue())
                .as("exit status; stderr:%n%s", Files.readString(stderr))
                .isZero();

        List<String> printed = Files.readAllLines(stdout);
        List<String> expected = expectedLines(source);
        assertThat(expected)
                .as("printlns with the expected output as a comment")
                .isNotEmpty();
        assertThat(printed).as("lines printed").hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(printed.get(i)).as("line %d", i + 1).matches(asRegex(expected.get(i)));
        }
    }

    private static String quickStart() throws Exception {
        Path readme = Path.of("").toAbsolutePath();
        while (!Files.exists(readme.resolve("README.md")) || !Files.exists(readme.resolve("mvnw"))) {
            readme = readme.getParent();
            assertThat(readme).as("the project root, above the module").isNotNull();
        }
        Matcher block = JAVA_BLOCK.matcher(Files.readString(readme.resolve("README.md")));
        assertThat(block.find())
                .as("README.md has a Java block under \"## Quick start\"")
                .isTrue();
        return block.group(1);
    }

    private static List<String> expectedLines(String source) {
        List<String> lines = new ArrayList<>();
        Matcher printed = PRINTED.matcher(source);
        while (printed.find()) {
            lines.add(printed.group(1).strip());
        }
        return lines;
    }

    private static String asRegex(String comment) {
        List<String> parts = new ArrayList<>();
        for (String literal : comment.split("…", -1)) {
            parts.add(Pattern.quote(literal));
        }
        return String.join(".*", parts);
    }

    private static String locationOf(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
    }
}
