package dev.cairn.cli.local;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RegressScheduleTest {

    @Test
    void cutsAtATestLineNearTheMiddleKeepingOrderAndGroups() {
        List<String> schedule = List.of("# setup", "test: test_setup", "", "test: a b c d", "# later", "test: e", "test: f g h i j");
        RegressSchedule halves = RegressSchedule.split(schedule);
        assertThat(halves.first()).containsExactly("# setup", "test: test_setup", "", "test: a b c d");
        assertThat(halves.second()).containsExactly("# later", "test: e", "test: f g h i j");
        assertThat(Stream.concat(halves.first().stream(), halves.second().stream()).toList()).isEqualTo(schedule);
    }

    @Test
    void countsTestsOnALine() {
        assertThat(RegressSchedule.testsOn("test: a  b\tc")).isEqualTo(3);
        assertThat(RegressSchedule.testsOn("# test: a")).isZero();
        assertThat(RegressSchedule.testsOn("ignore: a")).isZero();
    }

    @Test
    void aScheduleOfOneTestCannotBeSplit() {
        assertThatThrownBy(() -> RegressSchedule.split(List.of("test: only"))).hasMessageContaining("1 tests");
    }
}
