package dev.asyncio.core;

import static dev.asyncio.core.TaskState.CANCELLED;
import static dev.asyncio.core.TaskState.COMPLETED;
import static dev.asyncio.core.TaskState.FAILED;
import static dev.asyncio.core.TaskState.PENDING;
import static dev.asyncio.core.TaskState.RUNNING;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TaskStateTest {

    @Test
    void onlyTheDocumentedMovesAreLegal() {
        // the whole transition table, so that any change to it is deliberate
        for (TaskState from : TaskState.values()) {
            Set<TaskState> legal = switch (from) {
                case PENDING -> EnumSet.of(RUNNING, CANCELLED, FAILED);
                case RUNNING -> EnumSet.of(COMPLETED, FAILED, CANCELLED);
                default -> EnumSet.noneOf(TaskState.class);
            };
            for (TaskState to : TaskState.values()) {
                assertThat(from.canTransitionTo(to)).as(from + " -> " + to).isEqualTo(legal.contains(to));
            }
        }
    }

    @Test
    void terminalStatesAreTheThreeEndings() {
        assertThat(EnumSet.allOf(TaskState.class))
                .filteredOn(TaskState::isTerminal)
                .containsExactlyInAnyOrder(COMPLETED, FAILED, CANCELLED);
        assertThat(COMPLETED.isSuccess()).isTrue();
        assertThat(FAILED.isFailure()).isTrue();
        assertThat(CANCELLED.isCancelled()).isTrue();
        assertThat(RUNNING.isSuccess() || RUNNING.isFailure() || RUNNING.isCancelled())
                .isFalse();
    }

    @Test
    void valueIsTheLowercaseNameUsedInMetricTags() {
        assertThat(PENDING.value()).isEqualTo("pending");
        assertThat(CANCELLED.value()).isEqualTo("cancelled");
    }
}
