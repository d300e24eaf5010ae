package io.citytwin.mqtt;

import com.hivemq.extension.sdk.api.async.Async;
import com.hivemq.extension.sdk.api.async.TimeoutFallback;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import io.citytwin.device.Authentication;
import io.citytwin.device.Device;
import io.citytwin.device.DeviceAuthenticator;
import io.citytwin.twin.TenantId;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.jspecify.annotations.Nullable;

/**
 * Authenticates a device at CONNECT against the device registry.
 *
 * <ul>
 *   <li>Username/password devices: the MQTT username and password (usernames are unique across tenants).
 *   <li>Token devices: username {@code {tenant}/{deviceId}} and the token as password.
 * </ul>
 *
 * Refusals answer CONNACK "bad user name or password" (MQTT 3.1.1 return code 4, MQTT 5 reason 0x86) whatever the
 * reason, so that probing cannot tell unknown devices from wrong secrets; a device bound to a client certificate
 * that presents another gets "not authorized" (code 5, reason 0x87). The slow hash runs off the network threads.
 */
final class DeviceConnectAuthenticator implements SimpleAuthenticator {
    private final DeviceAuthenticator authenticator;
    private final DeviceSessions sessions;
    private final Refusals refusals;

    DeviceConnectAuthenticator(DeviceAuthenticator authenticator, DeviceSessions sessions, Refusals refusals) {
        this.authenticator = authenticator;
        this.sessions = sessions;
        this.refusals = refusals;
    }

    @Override
    public void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
        String username = input.getConnectPacket().getUserName().orElse("");
        ByteBuffer pw = input.getConnectPacket().getPassword().orElse(ByteBuffer.allocate(0));
        @Nullable
        String cn = input.getConnectionInformation()
                .getClientTlsInformation()
                .flatMap(t -> t.getClientCertificate())
                .map(DeviceConnectAuthenticator::commonName)
                .orElse(null);
        Async<SimpleAuthOutput> async =
                output.async(Duration.ofSeconds(10), TimeoutFallback.FAILURE, ConnackReasonCode.NOT_AUTHORIZED);
        Thread.ofVirtual().start(() -> {
            try {
                decide(input, output, username, pw, cn);
            } finally {
                async.resume();
            }
        });
    }

    private void decide(
            SimpleAuthInput input, SimpleAuthOutput output, String username, ByteBuffer pw, @Nullable String cn) {
        if (username.isEmpty()) {
            refusals.refuse("(no username)", "connect-no-credentials", "CONNECT without username");
            output.failAuthentication(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "Not authorized");
            return;
        }
        CharBuffer chars = StandardCharsets.UTF_8.decode(pw.duplicate());
        char[] secret = new char[chars.remaining()];
        chars.get(secret);
        Authentication result;
        try {
            int slash = username.indexOf('/');
            if (slash > 0) {
                TenantId tenant;
                try {
                    tenant = TenantId.of(username.substring(0, slash));
                } catch (io.citytwin.twin.TwinException e) {
                    tenant = null;
                }
                result = tenant == null
                        ? new Authentication.Refused(Authentication.Reason.MALFORMED)
                        : authenticator.authenticateToken(tenant, username.substring(slash + 1), secret, cn);
            } else {
                result = authenticator.authenticate(username, secret, cn);
            }
        } finally {
            Arrays.fill(secret, '\0');
        }
        switch (result) {
            case Authentication.Accepted a -> {
                Device d = a.device();
                sessions.connected(d);
                input.getConnectionInformation()
                        .getConnectionAttributeStore()
                        .putAsString(DeviceSessions.ATTRIBUTE, DeviceSessions.key(d.tenant(), d.id()));
                output.authenticateSuccessfully();
            }
            case Authentication.Refused r -> {
                String reason =
                        "connect-" + r.reason().name().toLowerCase(Locale.ROOT).replace('_', '-');
                refusals.refuse(username, reason, "CONNECT refused");
                output.failAuthentication(
                        r.reason() == Authentication.Reason.CERTIFICATE_MISMATCH
                                ? ConnackReasonCode.NOT_AUTHORIZED
                                : ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD,
                        "Not authorized");
            }
        }
    }

    private static @Nullable String commonName(X509Certificate cert) {
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return null;
    }
}
