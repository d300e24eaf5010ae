package io.citytwin.testkit.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citytwin.device.Credentials;
import io.citytwin.device.Device;
import io.citytwin.device.DeviceId;
import io.citytwin.device.DeviceRegistry;
import io.citytwin.device.FieldMapping;
import io.citytwin.device.PasswordHash;
import io.citytwin.device.PayloadFormat;
import io.citytwin.device.ValueType;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract of the {@link DeviceRegistry} port, run against every adapter: subclass it in the adapter's tests and
 * implement {@link #open(Path)}. Each test gets a fresh directory.
 *
 * <p>Adapters that do not survive a restart (the in-memory fake) override {@link #durable()} to return false; the
 * tests then read back from the same instance instead of a reopened one.
 */
public abstract class DeviceRegistryContract {
    protected static final TenantId CITY_A = new TenantId("city-a");
    protected static final TenantId CITY_B = new TenantId("city-b");
    protected static final Instant CREATED = Instant.parse("2026-02-01T10:00:00.5Z");
    protected static final Instant MODIFIED = Instant.parse("2026-03-02T11:22:33.000000001Z");

    /** Low on purpose: the contract is about storage, not about the work factor. */
    protected static final int TEST_ITERATIONS = 1_000;

    private static final PasswordHash HASH = PasswordHash.create("s3cret-pass".toCharArray(), TEST_ITERATIONS);

    /** A fresh directory for this test; {@link #open(Path)} is given it. */
    @TempDir
    protected Path dir;

    /** Opens the registry stored in {@code dir}; opening it again after close must see the same data. */
    protected abstract DeviceRegistry open(Path dir);

    /** Whether the adapter keeps its data across {@link DeviceRegistry#close()} and {@link #open(Path)}. */
    protected boolean durable() {
        return true;
    }

    /** A token device with every optional field set. */
    protected static Device fullDevice(TenantId tenant, String id) {
        return new Device(
                DeviceId.of(id),
                tenant,
                EntityId.of("urn:ngsi-ld:WeatherObserved:" + id),
                "WeatherObserved",
                new Credentials.Token(HASH),
                PayloadFormat.COMPACT_TEXT,
                List.of(
                        new FieldMapping("t", "temperature", "CEL", 0.1, -40.0, ValueType.NUMBER),
                        new FieldMapping("h", "relativeHumidity", null, 1.0, 0.0, ValueType.INTEGER),
                        new FieldMapping("ok", "status", null, 1.0, 0.0, ValueType.BOOLEAN),
                        new FieldMapping("raw", "raw", null, 1.0, 0.0, ValueType.JSON),
                        new FieldMapping("ts", "observedAt", null, 1.0, 0.0, ValueType.DATETIME),
                        new FieldMapping("n", "name", null, 1.0, 0.0, ValueType.STRING),
                        new FieldMapping("x é", "auto")),
                "CN=sensor " + id + ", O=City",
                CREATED,
                MODIFIED);
    }

    /** A username/password device without optional fields. */
    protected static Device userDevice(TenantId tenant, String id, String username) {
        return new Device(
                DeviceId.of(id),
                tenant,
                EntityId.of("urn:ngsi-ld:Streetlight:" + id),
                "Streetlight",
                new Credentials.UsernamePassword(username, HASH),
                PayloadFormat.JSON,
                List.of(),
                null,
                CREATED,
                CREATED);
    }

    private DeviceRegistry reopen(DeviceRegistry registry) {
        if (!durable()) {
            return registry;
        }
        registry.close();
        return open(dir);
    }

    @Test
    void create_deviceWithEveryField_getsItBackExactlyAfterReopen() {
        Device token = fullDevice(CITY_A, "ws-1");
        Device user = userDevice(CITY_A, "lamp-1", "lamp-1@city-a");
        DeviceRegistry registry = open(dir);
        assertThat(registry.create(token)).isEqualTo(token);
        registry.create(user);
        registry = reopen(registry);
        try {
            assertThat(registry.get(CITY_A, token.id())).contains(token);
            assertThat(registry.get(CITY_A, user.id())).contains(user);
            Device loaded = registry.get(CITY_A, token.id()).orElseThrow();
            assertThat(loaded.credentials().hash().matches("s3cret-pass".toCharArray()))
                    .isTrue();
            assertThat(loaded.mapping()).isEqualTo(token.mapping());
        } finally {
            registry.close();
        }
    }

    @Test
    void withCommands_findsOnlyDevicesWithACommandMappingInEveryTenant_afterReopen() {
        Device lamp = new Device(
                DeviceId.of("lamp-7"),
                CITY_B,
                EntityId.of("urn:ngsi-ld:Streetlight:lamp-7"),
                "Streetlight",
                new Credentials.Token(HASH),
                PayloadFormat.JSON,
                List.of(
                        new FieldMapping("dim", "dimmingLevel", null, 0.5, 0.0, ValueType.NUMBER).withCommand(true),
                        new FieldMapping("p", "power")),
                null,
                CREATED,
                CREATED);
        DeviceRegistry registry = open(dir);
        registry.create(fullDevice(CITY_A, "ws-1"));
        registry.create(lamp);
        registry = reopen(registry);
        try {
            assertThat(registry.withCommands()).containsExactly(lamp);
            assertThat(registry.get(CITY_B, lamp.id())
                            .orElseThrow()
                            .mapping()
                            .get(0)
                            .command())
                    .isTrue();
        } finally {
            registry.close();
        }
    }

    @Test
    void get_unknownDevice_isEmpty() {
        try (DeviceRegistry registry = open(dir)) {
            assertThat(registry.get(CITY_A, DeviceId.of("nope"))).isEmpty();
            assertThat(registry.findByUsername("nobody")).isEmpty();
            assertThat(registry.count(CITY_A)).isZero();
            assertThat(registry.list(CITY_A, 0, 10)).isEmpty();
        }
    }

    @Test
    void create_duplicateIdInTenant_isAlreadyExists() {
        try (DeviceRegistry registry = open(dir)) {
            registry.create(fullDevice(CITY_A, "d1"));
            assertThatThrownBy(() -> registry.create(userDevice(CITY_A, "d1", "other")))
                    .isInstanceOf(TwinException.class)
                    .hasFieldOrPropertyWithValue("type", ErrorType.ALREADY_EXISTS)
                    .hasFieldOrPropertyWithValue("code", "device.already-exists");
            assertThat(registry.findByUsername("other")).isEmpty();
            assertThat(registry.count(CITY_A)).isEqualTo(1);
        }
    }

    @Test
    void create_sameIdInTwoTenants_keepsThemApart() {
        DeviceRegistry registry = open(dir);
        registry.create(fullDevice(CITY_A, "shared"));
        registry.create(userDevice(CITY_B, "shared", "b-shared"));
        registry = reopen(registry);
        try {
            assertThat(registry.get(CITY_A, DeviceId.of("shared")).orElseThrow().credentials())
                    .isInstanceOf(Credentials.Token.class);
            assertThat(registry.get(CITY_B, DeviceId.of("shared")).orElseThrow().username())
                    .contains("b-shared");
            assertThat(registry.get(TenantId.DEFAULT, DeviceId.of("shared"))).isEmpty();
            registry.delete(CITY_A, DeviceId.of("shared"));
            assertThat(registry.get(CITY_B, DeviceId.of("shared"))).isPresent();
            assertThat(registry.count(CITY_A)).isZero();
            assertThat(registry.count(CITY_B)).isEqualTo(1);
            assertThat(registry.list(CITY_B, 0, 10)).extracting(Device::tenant).containsOnly(CITY_B);
        } finally {
            registry.close();
        }
    }

    @Test
    void create_usernameTakenInAnotherTenant_isRefused() {
        try (DeviceRegistry registry = open(dir)) {
            registry.create(userDevice(CITY_A, "d1", "sensor"));
            assertThatThrownBy(() -> registry.create(userDevice(CITY_B, "d2", "sensor")))
                    .isInstanceOf(TwinException.class)
                    .hasFieldOrPropertyWithValue("type", ErrorType.ALREADY_EXISTS)
                    .hasFieldOrPropertyWithValue("code", "device.username-taken");
            assertThat(registry.get(CITY_B, DeviceId.of("d2"))).isEmpty();
            assertThat(registry.findByUsername("sensor").orElseThrow().tenant()).isEqualTo(CITY_A);
        }
    }

    @Test
    void delete_device_freesItsUsername() {
        DeviceRegistry registry = open(dir);
        registry.create(userDevice(CITY_A, "d1", "sensor"));
        registry.delete(CITY_A, DeviceId.of("d1"));
        registry = reopen(registry);
        try {
            assertThat(registry.findByUsername("sensor")).isEmpty();
            assertThat(registry.get(CITY_A, DeviceId.of("d1"))).isEmpty();
            registry.create(userDevice(CITY_B, "d9", "sensor"));
            assertThat(registry.findByUsername("sensor").orElseThrow().id()).isEqualTo(DeviceId.of("d9"));
        } finally {
            registry.close();
        }
    }

    @Test
    void delete_unknownDevice_isNotFound() {
        try (DeviceRegistry registry = open(dir)) {
            registry.create(fullDevice(CITY_A, "d1"));
            assertThatThrownBy(() -> registry.delete(CITY_B, DeviceId.of("d1")))
                    .isInstanceOf(TwinException.class)
                    .hasFieldOrPropertyWithValue("type", ErrorType.RESOURCE_NOT_FOUND)
                    .hasFieldOrPropertyWithValue("code", "device.not-found");
            assertThat(registry.get(CITY_A, DeviceId.of("d1"))).isPresent();
        }
    }

    @Test
    void update_device_replacesItKeepsCreatedAtAndMovesUsername() {
        Instant later = MODIFIED.plusSeconds(60);
        DeviceRegistry registry = open(dir);
        registry.create(userDevice(CITY_A, "d1", "old-name"));
        Device changed = new Device(
                DeviceId.of("d1"),
                CITY_A,
                EntityId.of("urn:ngsi-ld:Streetlight:other"),
                "Lamp",
                new Credentials.UsernamePassword("new-name", HASH),
                PayloadFormat.COMPACT_TEXT,
                List.of(new FieldMapping("p", "power", "KWT", 0.001, 0.0, ValueType.NUMBER)),
                "device-cn",
                later, // a createdAt the registry must ignore
                later);
        Device stored = registry.update(changed);
        assertThat(stored.createdAt()).isEqualTo(CREATED);
        assertThat(stored.modifiedAt()).isEqualTo(later);
        registry = reopen(registry);
        try {
            Device loaded = registry.get(CITY_A, DeviceId.of("d1")).orElseThrow();
            assertThat(loaded).isEqualTo(stored);
            assertThat(loaded.entityType()).isEqualTo("Lamp");
            assertThat(registry.findByUsername("old-name")).isEmpty();
            assertThat(registry.findByUsername("new-name")).contains(loaded);
            // updating without changing the username is no conflict with itself
            assertThat(registry.update(loaded)).isEqualTo(loaded);
        } finally {
            registry.close();
        }
    }

    @Test
    void update_toUsernameOfAnotherDevice_isRefused() {
        try (DeviceRegistry registry = open(dir)) {
            registry.create(userDevice(CITY_A, "d1", "one"));
            registry.create(userDevice(CITY_B, "d2", "two"));
            assertThatThrownBy(() -> registry.update(userDevice(CITY_B, "d2", "one")))
                    .isInstanceOf(TwinException.class)
                    .hasFieldOrPropertyWithValue("code", "device.username-taken");
            assertThat(registry.findByUsername("two").orElseThrow().id()).isEqualTo(DeviceId.of("d2"));
        }
    }

    @Test
    void update_unknownDevice_isNotFound() {
        try (DeviceRegistry registry = open(dir)) {
            assertThatThrownBy(() -> registry.update(fullDevice(CITY_A, "ghost")))
                    .isInstanceOf(TwinException.class)
                    .hasFieldOrPropertyWithValue("type", ErrorType.RESOURCE_NOT_FOUND)
                    .hasFieldOrPropertyWithValue("code", "device.not-found");
            assertThat(registry.get(CITY_A, DeviceId.of("ghost"))).isEmpty();
        }
    }

    @Test
    void list_manyDevices_pagesInIdOrder() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 57; i++) {
            ids.add("dev-" + (char) ('a' + i % 26) + i);
        }
        ids.add("Z-upper");
        ids.add("0-digit");
        ids.add("dev:colon");
        List<String> shuffled = new ArrayList<>(ids);
        Collections.shuffle(shuffled, new Random(42));
        DeviceRegistry registry = open(dir);
        for (String id : shuffled) {
            registry.create(fullDevice(CITY_A, id));
        }
        registry.create(fullDevice(CITY_B, "dev-a0"));
        registry = reopen(registry);
        try {
            List<String> expected = new ArrayList<>(ids);
            Collections.sort(expected);
            List<String> paged = new ArrayList<>();
            for (int offset = 0; offset < 100; offset += 7) {
                for (Device d : registry.list(CITY_A, offset, 7)) {
                    paged.add(d.id().value());
                }
            }
            assertThat(paged).containsExactlyElementsOf(expected);
            assertThat(registry.count(CITY_A)).isEqualTo(ids.size());
            assertThat(registry.list(CITY_A, 0, 0)).isEmpty();
            assertThat(registry.list(CITY_A, 1000, 10)).isEmpty();
            assertThat(registry.list(CITY_A, 0, Integer.MAX_VALUE)).hasSize(ids.size());
        } finally {
            registry.close();
        }
    }

    @Test
    void list_negativePaging_isBadRequest() {
        try (DeviceRegistry registry = open(dir)) {
            assertThatThrownBy(() -> registry.list(CITY_A, -1, 10))
                    .isInstanceOf(TwinException.class)
                    .hasFieldOrPropertyWithValue("code", "device.paging-invalid");
            assertThatThrownBy(() -> registry.list(CITY_A, 0, -1))
                    .isInstanceOf(TwinException.class)
                    .hasFieldOrPropertyWithValue("type", ErrorType.BAD_REQUEST_DATA);
        }
    }

    @Test
    void create_concurrently_keepsEveryDeviceAndExactlyOneOfEachDuplicate() throws Exception {
        int threads = 8;
        int perThread = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        DeviceRegistry registry = open(dir);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Callable<Integer> task = () -> {
                    start.await();
                    int won = 0;
                    for (int i = 0; i < perThread; i++) {
                        registry.create(userDevice(CITY_A, "t" + thread + "-" + i, "u-" + thread + "-" + i));
                        try {
                            // every thread races for the same id and the same username
                            registry.create(userDevice(CITY_B, "contended-" + i, "contended-" + i));
                            won++;
                        } catch (TwinException e) {
                            assertThat(e.type()).isEqualTo(ErrorType.ALREADY_EXISTS);
                        }
                    }
                    return won;
                };
                results.add(pool.submit(task));
            }
            start.countDown();
            int won = 0;
            for (Future<Integer> f : results) {
                won += f.get(60, TimeUnit.SECONDS);
            }
            assertThat(won).isEqualTo(perThread);
            assertThat(registry.count(CITY_A)).isEqualTo((long) threads * perThread);
            assertThat(registry.count(CITY_B)).isEqualTo(perThread);
        } finally {
            pool.shutdownNow();
            registry.close();
        }
    }

    @Test
    void close_thenUse_isRegistryClosed() {
        DeviceRegistry registry = open(dir);
        registry.close();
        assertThatThrownBy(() -> registry.get(CITY_A, DeviceId.of("d1")))
                .isInstanceOf(TwinException.class)
                .hasFieldOrPropertyWithValue("code", "device.registry-closed");
        assertThatThrownBy(() -> registry.create(fullDevice(CITY_A, "d1")))
                .isInstanceOf(TwinException.class)
                .hasFieldOrPropertyWithValue("code", "device.registry-closed");
    }
}
