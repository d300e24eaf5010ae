package io.citytwin.mqtt;

import com.hivemq.extension.sdk.api.auth.PublishAuthorizer;
import com.hivemq.extension.sdk.api.auth.SubscriptionAuthorizer;
import com.hivemq.extension.sdk.api.auth.parameter.PublishAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.PublishAuthorizerOutput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerOutput;
import com.hivemq.extension.sdk.api.client.parameter.ConnectionInformation;
import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import com.hivemq.extension.sdk.api.packets.subscribe.SubackReasonCode;
import java.util.Optional;

/**
 * The topic ACL: a device may publish only to its own {@code citytwin/{tenant}/devices/{id}/telemetry}, {@code
 * /attrs} and {@code /commands/ack}, and subscribe only to its own {@code .../commands}. Everything else is refused
 * (MQTT 5: PUBACK/SUBACK "not authorized"; MQTT 3.1.1: the broker closes the connection on a refused publish and
 * answers a refused subscription with failure 0x80).
 */
final class DeviceTopicAuthorizer implements PublishAuthorizer, SubscriptionAuthorizer {
    private final Refusals refusals;

    DeviceTopicAuthorizer(Refusals refusals) {
        this.refusals = refusals;
    }

    @Override
    public void authorizePublish(PublishAuthorizerInput input, PublishAuthorizerOutput output) {
        String topic = input.getPublishPacket().getTopic();
        String who = who(input.getConnectionInformation()).orElse("");
        Optional<DeviceTopic> t = DeviceTopic.parse(topic);
        if (t.isPresent()
                && !t.get().kind().equals("commands")
                && DeviceSessions.key(t.get().tenant(), t.get().device()).equals(who)) {
            output.authorizeSuccessfully();
            return;
        }
        refusals.refuse(who, "acl-publish", "publish to " + topic);
        output.failAuthorization(AckReasonCode.NOT_AUTHORIZED, "Not authorized");
    }

    @Override
    public void authorizeSubscribe(SubscriptionAuthorizerInput input, SubscriptionAuthorizerOutput output) {
        String filter = input.getSubscription().getTopicFilter();
        String who = who(input.getConnectionInformation()).orElse("");
        Optional<DeviceTopic> t = DeviceTopic.parse(filter);
        if (t.isPresent()
                && t.get().kind().equals("commands")
                && DeviceSessions.key(t.get().tenant(), t.get().device()).equals(who)) {
            output.authorizeSuccessfully();
            return;
        }
        refusals.refuse(who, "acl-subscribe", "subscribe to " + filter);
        output.failAuthorization(SubackReasonCode.NOT_AUTHORIZED, "Not authorized");
    }

    static Optional<String> who(ConnectionInformation info) {
        return info.getConnectionAttributeStore().getAsString(DeviceSessions.ATTRIBUTE);
    }
}
