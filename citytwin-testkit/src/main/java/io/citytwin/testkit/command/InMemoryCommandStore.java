package io.citytwin.testkit.command;

import io.citytwin.command.Command;
import io.citytwin.command.CommandStore;
import io.citytwin.device.DeviceId;
import io.citytwin.twin.TenantId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The fake adapter of {@link CommandStore}: commands in a map, in memory only. Thread-safe (one lock). */
public final class InMemoryCommandStore implements CommandStore {
    private final Map<String, Command> commands = new LinkedHashMap<>();

    @Override
    public synchronized List<Command> insert(List<Command> list) {
        List<Command> fresh = new ArrayList<>();
        for (Command c : list) {
            if (commands.putIfAbsent(c.id(), c) == null) {
                fresh.add(c);
            }
        }
        return fresh;
    }

    @Override
    public synchronized void update(List<Command> list) {
        for (Command c : list) {
            commands.computeIfPresent(c.id(), (k, old) -> c);
        }
    }

    @Override
    public synchronized Optional<Command> find(TenantId tenant, DeviceId device, String id) {
        Command c = commands.get(id);
        return c != null && c.tenant().equals(tenant) && c.device().equals(device) ? Optional.of(c) : Optional.empty();
    }

    @Override
    public synchronized List<Command> open() {
        return commands.values().stream()
                .filter(c -> c.status().open())
                .sorted(Comparator.comparing(Command::issuedAt).thenComparing(Command::id))
                .toList();
    }

    @Override
    public synchronized int prune(Instant before) {
        int n = commands.size();
        commands.values().removeIf(c -> !c.status().open() && c.updatedAt().isBefore(before));
        return n - commands.size();
    }

    @Override
    public synchronized void deleteDevice(TenantId tenant, DeviceId device) {
        commands.values().removeIf(c -> c.tenant().equals(tenant) && c.device().equals(device));
    }

    @Override
    public void close() {}
}
