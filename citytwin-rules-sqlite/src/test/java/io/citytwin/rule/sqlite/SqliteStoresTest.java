package io.citytwin.rule.sqlite;

import io.citytwin.alarm.AlarmStore;
import io.citytwin.rule.RuleStore;
import io.citytwin.testkit.FakeClock;
import io.citytwin.testkit.alarm.AlarmStoreContract;
import io.citytwin.testkit.alarm.RuleStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;

class SqliteStoresTest {
    @Nested
    class Alarms extends AlarmStoreContract {
        @Override
        protected AlarmStore open(Path dir) {
            return SqliteAlarmStore.open(dir, new FakeClock());
        }
    }

    @Nested
    class Rules extends RuleStoreContract {
        @Override
        protected RuleStore open(Path dir) {
            return SqliteRuleStore.open(dir, new FakeClock());
        }
    }
}
