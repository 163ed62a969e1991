package dev.asyncio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio.concurrency.TaskGroup;
import dev.asyncio.core.Task;
import dev.asyncio.exception.GatherException;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The behaviours of the PHP seed's TaskGroupTest and ContextTest (pfinalclub/pfinal-asyncio), restated for this
 * runtime. Where the seed and docs/DESIGN.md differ, DESIGN.md wins and the test says so.
 */
class SeedBehaviourTest {

    @Nested
    class TaskGroupScenarios {

        @Test
        void aNewGroupHasNoRunningTasks() {
            Asyncio.run(() -> {
                TaskGroup group = TaskGroup.open();
                assertThat(group.taskCount()).isZero();
                group.waitAll();
                return null;
            });
        }

        @Test
        void eachSpawnedTaskCountsAsRunningUntilItEnds() {
            Asyncio.run(() -> {
                TaskGroup group = TaskGroup.open();
                group.spawn(() -> {
                    Asyncio.sleep(50);
                    return "task1";
                });
                assertThat(group.taskCount()).isEqualTo(1);
                group.spawn(() -> {
                    Asyncio.sleep(50);
                    return "task2";
                });
                assertThat(group.taskCount()).isEqualTo(2);
                group.waitAll();
                assertThat(group.taskCount()).isZero();
                return null;
            });
        }

        @Test
        void waitingForThreeTasksLeavesNoneRunningAndKeepsTheirResults() {
            Asyncio.run(() -> {
                TaskGroup group = TaskGroup.open();
                for (int i = 0; i < 3; i++) {
                    int id = i;
                    group.spawn(() -> {
                        Asyncio.sleep(10);
                        return "result" + id;
                    });
                }
                group.waitAll();
                assertThat(group.taskCount()).isZero();
                assertThat(group.tasks().stream().map(t -> (Object) t.result()))
                        .containsExactly("result0", "result1", "result2");
                return null;
            });
        }

        @Test
        void cancellingAGroupOfLongTasksEndsThemAndWaitReturns() {
            Asyncio.run(() -> {
                TaskGroup group = TaskGroup.open();
                for (int i = 0; i < 2; i++) {
                    group.spawn(() -> {
                        Asyncio.sleep(5_000);
                        return "should not complete";
                    });
                }
                group.cancel();
                group.waitAll();
                assertThat(group.taskCount()).isZero();
                assertThat(group.tasks()).allMatch(Task::isCancelled);
                return null;
            });
        }

        @Test
        void aFailingTaskIsReportedByWaitAll() {
            // The seed's wait() swallows the failure; DESIGN.md (Python 3.11 semantics) reports it.
            Asyncio.run(() -> {
                TaskGroup group = TaskGroup.open();
                group.spawn(() -> {
                    Asyncio.sleep(10);
                    return "success";
                });
                group.spawn(() -> {
                    Asyncio.sleep(5);
                    throw new IllegalStateException("task error");
                });
                assertThatThrownBy(group::waitAll)
                        .isInstanceOf(GatherException.class)
                        .satisfies(e ->
                                assertThat(((GatherException) e).exception(1)).hasMessage("task error"));
                assertThat(group.taskCount()).isZero();
                return null;
            });
        }
    }

    @Nested
    class ContextScenarios {

        @Test
        void setThenGet() {
            assertThat(Asyncio.run(() -> {
                        Asyncio.setContext("test_key", "test_value");
                        return Asyncio.<String>getContext("test_key");
                    }))
                    .isEqualTo("test_value");
        }

        @Test
        void severalKeys() {
            Asyncio.run(() -> {
                Asyncio.setContext("key1", "value1");
                Asyncio.setContext("key2", "value2");
                Asyncio.setContext("key3", "value3");
                assertThat(Asyncio.<String>getContext("key1")).isEqualTo("value1");
                assertThat(Asyncio.<String>getContext("key2")).isEqualTo("value2");
                assertThat(Asyncio.<String>getContext("key3")).isEqualTo("value3");
                return null;
            });
        }

        @Test
        void defaultsAndAbsence() {
            Asyncio.run(() -> {
                assertThat(Asyncio.getContext("non_existent_key", "default_value"))
                        .isEqualTo("default_value");
                assertThat(Asyncio.<String>getContext("non_existent_key")).isNull();
                assertThat(Asyncio.hasContext("non_existent_key")).isFalse();
                return null;
            });
        }

        @Test
        void deleteAndClear() {
            Asyncio.run(() -> {
                Asyncio.setContext("key_to_delete", "value");
                Asyncio.deleteContext("key_to_delete");
                assertThat(Asyncio.hasContext("key_to_delete")).isFalse();
                Asyncio.setContext("key1", "value1");
                Asyncio.setContext("key2", "value2");
                Asyncio.clearContext();
                assertThat(Asyncio.hasContext("key1") || Asyncio.hasContext("key2"))
                        .isFalse();
                return null;
            });
        }

        @Test
        void aChildInheritsAndItsWritesStayInTheChild() {
            Asyncio.run(() -> {
                Asyncio.setContext("parent_key", "parent_value");
                Asyncio.setContext("shared_key", "parent_modified");
                Task<Map<String, Object>> child = Asyncio.createTask(() -> {
                    Object parentKey = Asyncio.getContext("parent_key");
                    Object shared = Asyncio.getContext("shared_key");
                    Asyncio.setContext("child_key", "child_value");
                    Asyncio.setContext("shared_key", "child_modified");
                    return Map.of(
                            "parent_key", parentKey,
                            "shared_key", shared,
                            "child_shared_key", Asyncio.getContext("shared_key"));
                });
                Map<String, Object> seen = Asyncio.await(child);
                assertThat(Asyncio.<String>getContext("shared_key")).isEqualTo("parent_modified");
                assertThat(Asyncio.hasContext("child_key")).isFalse();
                assertThat(seen)
                        .containsEntry("parent_key", "parent_value")
                        .containsEntry("shared_key", "parent_modified")
                        .containsEntry("child_shared_key", "child_modified");
                return null;
            });
        }

        @Test
        void getAllReturnsEveryValue() {
            Asyncio.run(() -> {
                Asyncio.setContext("key1", "value1");
                Asyncio.setContext("key2", "value2");
                assertThat(Asyncio.getAllContext(true))
                        .containsEntry("key1", "value1")
                        .containsEntry("key2", "value2");
                return null;
            });
        }
    }
}
