package dev.asyncio.architecture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainSourcesTest {

    @Test
    void aSynchronizedBlockInCodeIsFoundWithItsLine(@TempDir Path sources) throws IOException {
        Path file = sources.resolve("dev/example/Counter.java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, """
                package dev.example;

                class Counter {
                    void increment() {
                        synchronized (this) {
                        }
                    }
                }
                """);

        assertThatThrownBy(() -> MainSources.assertNoSynchronizedKeyword(sources))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Counter.java:5");
    }

    @Test
    void theWordInCommentsAndLiteralsIsNotCode(@TempDir Path sources) throws IOException {
        Files.writeString(sources.resolve("Notes.java"), """
                /** Unlike a synchronized method, this never pins. */
                class Notes {
                    // synchronized would pin here
                    /* synchronized */
                    String why = "not synchronized";
                    String block = \"""
                            synchronized
                            \""";
                    char quote = '"';
                    String after = "synchronized after a char literal";
                }
                """);

        assertThatCode(() -> MainSources.assertNoSynchronizedKeyword(sources)).doesNotThrowAnyException();
    }

    @Test
    void aPublicTypeWhoseJavadocIsSilentOnThreadsIsNamed(@TempDir Path sources) throws IOException {
        Files.writeString(sources.resolve("Silent.java"), """
                package dev.example;

                /** Does something useful. */
                public final class Silent {}
                """);
        Files.writeString(sources.resolve("Undocumented.java"), """
                package dev.example;

                public interface Undocumented {}
                """);
        Files.writeString(sources.resolve("Shared.java"), """
                package dev.example;

                /**
                 * Does something useful.
                 *
                 * <p>Instances are thread-safe.
                 */
                @Deprecated
                public record Shared(int value) {}
                """);

        assertThatThrownBy(() -> MainSources.assertEveryPublicTypeStatesThreadSafety(sources))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Silent")
                .hasMessageContaining("Undocumented")
                .hasMessageNotContaining("Shared");
    }

    @Test
    void internalPackagesNeedNoThreadSafetyStatement(@TempDir Path sources) throws IOException {
        Path internal = sources.resolve("dev/example/internal");
        Files.createDirectories(internal);
        Files.writeString(internal.resolve("Helper.java"), """
                package dev.example.internal;

                /** Helps. */
                public final class Helper {}
                """);

        assertThatCode(() -> MainSources.assertEveryPublicTypeStatesThreadSafety(sources))
                .doesNotThrowAnyException();
    }

    @Test
    void blankingKeepsLinesInPlace() {
        String source = "a /* x\ny */ b // z\nc \"s\" d";

        assertThat(MainSources.codeOnly(source)).isEqualTo("a     \n     b     \nc     d");
    }
}
