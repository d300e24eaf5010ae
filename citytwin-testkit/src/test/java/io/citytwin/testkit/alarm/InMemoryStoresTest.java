package io.citytwin.testkit.alarm;

import io.citytwin.alarm.AlarmStore;
import io.citytwin.alarm.InMemoryAlarmStore;
import io.citytwin.rule.InMemoryRuleStore;
import io.citytwin.rule.RuleStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;

class InMemoryStoresTest {
    @Nested
    class Alarms extends AlarmStoreContract {
        @Override
        protected AlarmStore open(Path dir) {
            return new InMemoryAlarmStore();
        }

        @Override
        protected boolean durable() {
            return false;
        }
    }

    @Nested
    class Rules extends RuleStoreContract {
        @Override
        protected RuleStore open(Path dir) {
            return new InMemoryRuleStore();
        }

        @Override
        protected boolean durable() {
            return false;
        }
    }
}
