package io.citytwin.testkit.device;

import io.citytwin.device.Device;
import io.citytwin.device.DeviceId;
import io.citytwin.device.DeviceRegistry;
import io.citytwin.twin.TenantId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The fake adapter of {@link DeviceRegistry}: devices in sorted maps per tenant, in memory only. It honours the whole
 * port contract except surviving a restart. Thread-safe: every method runs under one lock.
 */
public final class InMemoryDeviceRegistry implements DeviceRegistry {
    private final Object lock = new Object();
    private final Map<TenantId, TreeMap<DeviceId, Device>> tenants = new HashMap<>();
    private final Map<String, Device> byUsername = new HashMap<>();
    private boolean closed;

    @Override
    public Device create(Device device) {
        synchronized (lock) {
            checkOpen();
            TreeMap<DeviceId, Device> devices = tenants.computeIfAbsent(device.tenant(), t -> new TreeMap<>());
            if (devices.containsKey(device.id())) {
                throw DeviceRegistry.alreadyExists(device.tenant(), device.id());
            }
            Optional<String> username = device.username();
            if (username.isPresent() && byUsername.containsKey(username.get())) {
                throw DeviceRegistry.usernameTaken(username.get());
            }
            devices.put(device.id(), device);
            username.ifPresent(u -> byUsername.put(u, device));
            return device;
        }
    }

    @Override
    public Optional<Device> get(TenantId tenant, DeviceId id) {
        synchronized (lock) {
            checkOpen();
            TreeMap<DeviceId, Device> devices = tenants.get(tenant);
            return devices == null ? Optional.empty() : Optional.ofNullable(devices.get(id));
        }
    }

    @Override
    public List<Device> withCommands() {
        synchronized (lock) {
            checkOpen();
            List<Device> out = new ArrayList<>();
            for (TreeMap<DeviceId, Device> devices : tenants.values()) {
                for (Device d : devices.values()) {
                    if (d.mapping().stream().anyMatch(m -> m.command())) {
                        out.add(d);
                    }
                }
            }
            return out;
        }
    }

    @Override
    public List<Device> list(TenantId tenant, int offset, int limit) {
        DeviceRegistry.checkPaging(offset, limit);
        synchronized (lock) {
            checkOpen();
            TreeMap<DeviceId, Device> devices = tenants.get(tenant);
            List<Device> page = new ArrayList<>();
            if (devices == null) {
                return page;
            }
            int i = 0;
            for (Device d : devices.values()) {
                if (page.size() >= limit) {
                    break;
                }
                if (i++ >= offset) {
                    page.add(d);
                }
            }
            return page;
        }
    }

    @Override
    public long count(TenantId tenant) {
        synchronized (lock) {
            checkOpen();
            TreeMap<DeviceId, Device> devices = tenants.get(tenant);
            return devices == null ? 0 : devices.size();
        }
    }

    @Override
    public Device update(Device device) {
        synchronized (lock) {
            checkOpen();
            TreeMap<DeviceId, Device> devices = tenants.get(device.tenant());
            Device old = devices == null ? null : devices.get(device.id());
            if (old == null) {
                throw DeviceRegistry.notFound(device.tenant(), device.id());
            }
            Optional<String> username = device.username();
            if (username.isPresent()) {
                Device holder = byUsername.get(username.get());
                if (holder != null
                        && !(holder.tenant().equals(device.tenant())
                                && holder.id().equals(device.id()))) {
                    throw DeviceRegistry.usernameTaken(username.get());
                }
            }
            Device stored = new Device(
                    device.id(),
                    device.tenant(),
                    device.entityId(),
                    device.entityType(),
                    device.credentials(),
                    device.format(),
                    device.mapping(),
                    device.certificateCn(),
                    old.createdAt(),
                    device.modifiedAt().isBefore(old.createdAt()) ? old.createdAt() : device.modifiedAt());
            old.username().ifPresent(byUsername::remove);
            devices.put(stored.id(), stored);
            username.ifPresent(u -> byUsername.put(u, stored));
            return stored;
        }
    }

    @Override
    public void delete(TenantId tenant, DeviceId id) {
        synchronized (lock) {
            checkOpen();
            TreeMap<DeviceId, Device> devices = tenants.get(tenant);
            Device old = devices == null ? null : devices.remove(id);
            if (old == null) {
                throw DeviceRegistry.notFound(tenant, id);
            }
            old.username().ifPresent(byUsername::remove);
        }
    }

    @Override
    public Optional<Device> findByUsername(String username) {
        synchronized (lock) {
            checkOpen();
            return Optional.ofNullable(byUsername.get(username));
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw DeviceRegistry.closed();
        }
    }
}
