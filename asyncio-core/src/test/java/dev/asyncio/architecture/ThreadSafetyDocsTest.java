package dev.asyncio.architecture;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ThreadSafetyDocsTest {

    @Test
    void everyPublicTypeOfAsyncioCoreStatesItsThreadSafety() {
        // surefire runs with the module directory as the working directory
        MainSources.assertEveryPublicTypeStatesThreadSafety(Path.of("src/main/java"));
    }
}
