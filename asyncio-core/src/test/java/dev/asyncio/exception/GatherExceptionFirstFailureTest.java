package dev.asyncio.exception;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatherExceptionFirstFailureTest {

    @Test
    void aFirstFailureAtIndexZeroIsReportedAtIndexZeroInTheJson() {
        IOException reset = new IOException("connection reset");
        GatherException e = new GatherException(
                "gather (FAIL_FAST)", Map.of(0, "first", 1, "second"), Map.of(0, reset), Map.of(1, "ok"), reset);

        assertThat(e.firstException()).isSameAs(reset);
        assertThat(StrictJson.parseObject(e.toJson())).containsEntry("firstFailureIndex", 0L);
    }
}
