package dev.asyncio.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code Task.completed}: a finished task that answers every question the way a task that completed would. */
class CompletedTaskTest {

    @Test
    void aCompletedTaskAnswersLikeATaskThatCompleted() {
        Task<String> done = Task.completed("v");

        assertThat(done.id()).isPositive();
        assertThat(done.name()).isEqualTo("task-" + done.id());
        assertThat(done.priority()).isEqualTo(Priority.WORK);
        assertThat(done.isCancelled()).isFalse();
        assertThat(done.hasException()).isFalse();
        assertThat(done.exception()).isNull();
        assertThat(done.cancel("no effect")).isFalse();
        assertThat(done.state()).isEqualTo(TaskState.COMPLETED);
        assertThat(done.toString()).contains(Long.toString(done.id()));
    }

    @Test
    void completedTasksHaveIdsOfTheirOwn() {
        assertThat(Task.completed(1).id()).isNotEqualTo(Task.completed(1).id());
    }

    @Test
    void joiningACompletedTaskReturnsAtOnceAndLeavesNoInterrupt() {
        Task<Integer> done = Task.completed(1);

        assertThat(Suspension.join(done, Duration.ZERO)).isTrue();
        Suspension.joinUninterruptibly(done);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }
}
