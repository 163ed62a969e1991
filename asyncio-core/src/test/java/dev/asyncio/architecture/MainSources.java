package dev.asyncio.architecture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks on a module's Java sources that ArchUnit cannot make, because the compiler leaves no trace of them that
 * ArchUnit reads: a {@code synchronized} block compiles to monitor instructions inside a method body, and Javadoc is
 * not in class files at all.
 */
public final class MainSources {
    private static final Pattern SYNCHRONIZED = Pattern.compile("\\bsynchronized\\b");
    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "(/\\*\\*(?:(?!\\*/).)*?\\*/)?\\s*(?:@[\\w.]+(?:\\([^)]*\\))?\\s*)*"
                    + "^public\\s+(?:(?:final|abstract|sealed|non-sealed|static)\\s+)*"
                    + "(?:class|interface|record|enum|@interface)\\s+(\\w+)",
            Pattern.DOTALL | Pattern.MULTILINE);
    private static final Pattern STATES_THREAD_SAFETY = Pattern.compile(
            "thread[- ]safe|thread safety|any thread|between threads|other threads|one thread|immutable",
            Pattern.CASE_INSENSITIVE);

    private MainSources() {}

    /**
     * Fails if any {@code .java} file under {@code sourceRoot} uses the {@code synchronized} keyword in code (comments
     * and string literals do not count): on JDK 21 a virtual thread that blocks inside a monitor pins its carrier.
     *
     * @param sourceRoot a source directory, e.g. {@code src/main/java}
     * @throws AssertionError naming each file and line that uses it
     */
    public static void assertNoSynchronizedKeyword(Path sourceRoot) {
        List<String> uses = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sourceRoot)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".java"))
                    .sorted()
                    .toList()) {
                String code = codeOnly(Files.readString(file));
                Matcher matcher = SYNCHRONIZED.matcher(code);
                while (matcher.find()) {
                    uses.add(file + ":" + lineOf(code, matcher.start()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the sources under " + sourceRoot, e);
        }
        if (!uses.isEmpty()) {
            throw new AssertionError("synchronized pins virtual threads on JDK 21; use java.util.concurrent.locks"
                    + " instead. Found at: " + String.join(", ", uses));
        }
    }

    /**
     * Fails if the Javadoc of a top-level public type under {@code sourceRoot}, outside {@code internal} packages,
     * does not say how it behaves under concurrency: that it is thread-safe, immutable, or how it may be shared
     * between threads.
     *
     * @param sourceRoot a source directory, e.g. {@code src/main/java}
     * @throws AssertionError naming each type whose Javadoc is silent on it
     */
    public static void assertEveryPublicTypeStatesThreadSafety(Path sourceRoot) {
        List<String> silent = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sourceRoot)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".java"))
                    .filter(path -> !path.getParent().endsWith("internal"))
                    .sorted()
                    .toList()) {
                Matcher type = PUBLIC_TYPE.matcher(Files.readString(file));
                if (type.find()) {
                    String javadoc = type.group(1) == null ? "" : type.group(1);
                    if (!STATES_THREAD_SAFETY.matcher(javadoc).find()) {
                        silent.add(type.group(2) + " (" + file + ")");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the sources under " + sourceRoot, e);
        }
        if (!silent.isEmpty()) {
            throw new AssertionError("the class Javadoc of every public type states its thread-safety (thread-safe,"
                    + " immutable, or how it may be shared between threads); it is missing on: "
                    + String.join(", ", silent));
        }
    }

    /**
     * {@return {@code source} with comments and string, text block and character literals blanked} Line breaks stay,
     * so positions map to the same lines.
     */
    static String codeOnly(String source) {
        StringBuilder code = new StringBuilder(source.length());
        int i = 0;
        while (i < source.length()) {
            int end;
            if (source.startsWith("//", i)) {
                end = source.indexOf('\n', i);
                end = end < 0 ? source.length() : end;
            } else if (source.startsWith("/*", i)) {
                end = source.indexOf("*/", i + 2);
                end = end < 0 ? source.length() : end + 2;
            } else if (source.startsWith("\"\"\"", i)) {
                end = source.indexOf("\"\"\"", i + 3);
                end = end < 0 ? source.length() : end + 3;
            } else if (source.charAt(i) == '"' || source.charAt(i) == '\'') {
                end = endOfLiteral(source, i);
            } else {
                code.append(source.charAt(i));
                i++;
                continue;
            }
            for (int j = i; j < end; j++) {
                code.append(source.charAt(j) == '\n' ? '\n' : ' ');
            }
            i = end;
        }
        return code.toString();
    }

    private static int endOfLiteral(String source, int start) {
        char quote = source.charAt(start);
        int i = start + 1;
        while (i < source.length() && source.charAt(i) != quote && source.charAt(i) != '\n') {
            i += source.charAt(i) == '\\' ? 2 : 1;
        }
        return Math.min(i + 1, source.length());
    }

    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
