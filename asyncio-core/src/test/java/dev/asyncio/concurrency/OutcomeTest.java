package dev.asyncio.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutcomeTest {

    @Test
    void onlyASuccessIsASuccess() {
        assertThat(new Outcome.Success<>(1).isSuccess()).isTrue();
        assertThat(new Outcome.Failure<Integer>(new IllegalStateException("boom")).isSuccess())
                .isFalse();
        assertThat(new Outcome.Cancelled<Integer>().isSuccess()).isFalse();
    }
}
