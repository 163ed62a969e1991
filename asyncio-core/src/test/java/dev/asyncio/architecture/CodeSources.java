package dev.asyncio.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Tells which module a class comes from: the classes directory or jar it was loaded from, where a module's test
 * classes ({@code target/test-classes}, {@code *-tests.jar}) count as the module's own.
 */
final class CodeSources {
    private CodeSources() {}

    /** {@return the module {@code javaClass} comes from, or empty if ArchUnit does not know where it is} */
    static Optional<String> moduleOf(JavaClass javaClass) {
        return javaClass.getSource().map(source -> moduleOf(source.getUri(), javaClass.getName()));
    }

    private static String moduleOf(URI classFile, String className) {
        String uri = classFile.toString();
        if (uri.startsWith("jar:file:") && uri.contains("!/")) {
            String jar = Path.of(URI.create(uri.substring("jar:".length(), uri.indexOf("!/"))))
                    .toString();
            return jar.endsWith("-tests.jar") ? jar.substring(0, jar.length() - "-tests.jar".length()) + ".jar" : jar;
        }
        if ("file".equals(classFile.getScheme())) {
            Path file = Path.of(classFile);
            int depth = className.split("\\.").length;
            Path root = file.getRoot().resolve(file.subpath(0, file.getNameCount() - depth));
            Path classesOfTests = Path.of("target", "test-classes");
            return root.endsWith(classesOfTests)
                    ? root.getParent().resolve("classes").toString()
                    : root.toString();
        }
        return uri;
    }
}
