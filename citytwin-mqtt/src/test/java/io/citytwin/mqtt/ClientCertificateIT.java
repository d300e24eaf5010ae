package io.citytwin.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.citytwin.device.CredentialCache;
import io.citytwin.device.Credentials;
import io.citytwin.device.Device;
import io.citytwin.device.DeviceAuthenticator;
import io.citytwin.device.DeviceId;
import io.citytwin.device.PasswordHash;
import io.citytwin.device.PayloadFormat;
import io.citytwin.ingest.IngestService;
import io.citytwin.testkit.InMemoryTwinRepository;
import io.citytwin.testkit.device.InMemoryDeviceRegistry;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.Twin;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker's TLS listener with client certificates: a device bound to a certificate CN is accepted only
 * when its connection presents a certificate with that CN (and its secret), refused with "not authorized" otherwise.
 * Keys and certificates are made by the JDK's keytool for each run.
 */
class ClientCertificateIT {
    static final String PW = "changeit";
    static final TenantId TENANT = new TenantId("tls");

    @TempDir
    Path dir;

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor())
                .as("keytool " + String.join(" ", args) + ": " + out)
                .isZero();
    }

    /** A PKCS#12 key store {@code name.p12} with a self-signed key pair for {@code cn}, and its certificate. */
    void identity(String name, String cn) throws Exception {
        keytool(
                "-genkeypair",
                "-alias",
                name,
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=" + cn,
                "-validity",
                "2",
                "-keystore",
                name + ".p12",
                "-storetype",
                "PKCS12",
                "-storepass",
                PW,
                "-keypass",
                PW);
        keytool("-exportcert", "-alias", name, "-keystore", name + ".p12", "-storepass", PW, "-file", name + ".cer");
    }

    void trust(String store, String name) throws Exception {
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                name,
                "-file",
                name + ".cer",
                "-keystore",
                store,
                "-storetype",
                "PKCS12",
                "-storepass",
                PW);
    }

    KeyStore load(String file) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve(file))) {
            ks.load(in, PW.toCharArray());
        }
        return ks;
    }

    Mqtt5BlockingClient connect(int port, String clientKeys, String username, String password) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(clientKeys), PW.toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load("client-trust.p12"));
        Mqtt5BlockingClient c = Mqtt5Client.builder()
                .identifier("tls-" + UUID.randomUUID())
                .serverHost("127.0.0.1")
                .serverPort(port)
                .sslConfig()
                .keyManagerFactory(kmf)
                .trustManagerFactory(tmf)
                .hostnameVerifier((host, session) -> true)
                .applySslConfig()
                .buildBlocking();
        c.connectWith()
                .simpleAuth()
                .username(username)
                .password(password.getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth()
                .send();
        return c;
    }

    @Test
    void deviceBoundToACertificateCn_isAcceptedOnlyWithThatCertificate() throws Exception {
        identity("server", "localhost");
        identity("lamp", "lamp-cert-1");
        identity("intruder", "someone-else");
        trust("server-trust.p12", "lamp");
        trust("server-trust.p12", "intruder");
        trust("client-trust.p12", "server");

        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        InMemoryDeviceRegistry registry = new InMemoryDeviceRegistry();
        registry.create(new Device(
                DeviceId.of("lamp-1"),
                TENANT,
                EntityId.of("urn:ngsi-ld:Streetlight:lamp-1"),
                "https://example.org/Streetlight",
                new Credentials.Token(PasswordHash.forToken("tok-lamp-0123456789abcdef".toCharArray())),
                PayloadFormat.COMPACT_TEXT,
                List.of(),
                "lamp-cert-1",
                t,
                t));
        InMemoryTwinRepository repo = new InMemoryTwinRepository();
        Twin twin = new Twin(repo, InstantSource.system());
        int tcp = freePort();
        int tls = freePort();
        MqttOptions options = MqttOptions.defaults(tcp, dir.resolve("mqtt"))
                .withHost("127.0.0.1")
                .withTls(new MqttOptions.Tls(
                        tls, dir.resolve("server.p12"), PW, false, dir.resolve("server-trust.p12"), PW));
        DeviceAuthenticator auth = new DeviceAuthenticator(
                registry, new CredentialCache(InstantSource.system(), Duration.ofMinutes(1), 100), 1);
        try (IngestService ingest = new IngestService(twin, InstantSource.system());
                MqttBroker broker = MqttBroker.start(options, auth, ingest, new SimpleMeterRegistry())) {
            Mqtt5BlockingClient ok = connect(tls, "lamp.p12", "tls/lamp-1", "tok-lamp-0123456789abcdef");
            try {
                ok.publishWith()
                        .topic("citytwin/tls/devices/lamp-1/telemetry")
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .payload("p|40".getBytes(StandardCharsets.UTF_8))
                        .send();
                assertThat(twin.find(TENANT, EntityId.of("urn:ngsi-ld:Streetlight:lamp-1")))
                        .isPresent();
            } finally {
                ok.disconnect();
            }
            assertThatThrownBy(() -> connect(tls, "intruder.p12", "tls/lamp-1", "tok-lamp-0123456789abcdef"))
                    .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e -> assertThat(
                                    e.getMqttMessage().getReasonCode())
                            .isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED));
            assertThat(broker.refused("connect-certificate-mismatch")).isEqualTo(1);
        } finally {
            repo.close();
        }
    }
}
