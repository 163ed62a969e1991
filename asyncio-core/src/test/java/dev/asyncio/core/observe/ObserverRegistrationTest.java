package dev.asyncio.core.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asyncio.Asyncio;
import dev.asyncio.core.EventLoop;
import dev.asyncio.core.Task;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Registering and removing observers: who hears what afterwards, and that any thread may do it. */
class ObserverRegistrationTest {
    private final EventLoop loop =
            EventLoop.builder().name("observer-registration").build();

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    @Test
    void removingOneObserverLeavesTheOthersListeningInOrder() {
        List<String> heard = new CopyOnWriteArrayList<>();
        Observer first = event -> heard.add("first " + event.type());
        Observer middle = event -> heard.add("middle " + event.type());
        Observer last = event -> heard.add("last " + event.type());
        Observable observable = loop.observable();
        observable.register(first);
        observable.register(middle);
        observable.register(last);

        assertThat(observable.unregister(middle)).isTrue();
        assertThat(observable.unregister(middle)).isFalse();
        Asyncio.await(loop.createTask(() -> 1));

        assertThat(heard)
                .containsExactly(
                        "first CREATED",
                        "last CREATED",
                        "first STARTED",
                        "last STARTED",
                        "first COMPLETED",
                        "last COMPLETED");
    }

    @Test
    void removingTheOnlyObserverTurnsEventsOff() {
        Observable observable = loop.observable();
        Observer only = event -> {};
        observable.register(only);
        assertThat(observable.isEnabled()).isTrue();

        assertThat(observable.unregister(only)).isTrue();
        assertThat(observable.isEnabled()).isFalse();
        assertThat(observable.unregister(only)).isFalse();
    }

    @Test
    void anotherThreadCanRegisterAfterEveryKindOfChangeMadeHere() throws Exception {
        Observable observable = loop.observable();
        List<Object> heard = new CopyOnWriteArrayList<>();
        Observer here = heard::add;
        observable.register(here);
        observable.unregister(here);
        observable.register(here);
        observable.clear();

        // a task registers and removes on its own thread: this hangs if a call above kept the registry locked
        Task<Boolean> elsewhere = loop.createTask(() -> {
            observable.register(here);
            return observable.unregister(here);
        });
        assertThat(Asyncio.await(elsewhere)).isTrue();
        assertThat(heard).isEmpty();
    }
}
