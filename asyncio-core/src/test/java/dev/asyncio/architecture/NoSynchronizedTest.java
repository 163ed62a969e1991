package dev.asyncio.architecture;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NoSynchronizedTest {

    @Test
    void theMainSourcesOfAsyncioCoreUseNoSynchronizedBlockOrMethod() {
        // surefire runs with the module directory as the working directory
        MainSources.assertNoSynchronizedKeyword(Path.of("src/main/java"));
    }
}
