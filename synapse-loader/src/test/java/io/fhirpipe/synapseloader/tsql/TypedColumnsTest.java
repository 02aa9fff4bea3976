package io.fhirpipe.synapseloader.tsql;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.sqlonfhir.model.Column;
import org.junit.jupiter.api.Test;

class TypedColumnsTest {

    @Test
    void ansiDatesAreDateAndUtcDatetime2OnEveryTarget() {
        Column day = new Column("birth_date", "birthDate", false, "date", false, "DATE");
        Column at = new Column("last_updated", "meta.lastUpdated", false, "instant", false, "TIMESTAMP WITH TIME ZONE");
        for (boolean unicode : new boolean[] {true, false}) {
            assertThat(TypedColumns.sqlType(day, unicode)).isEqualTo("DATE");
            assertThat(TypedColumns.sqlType(at, unicode)).isEqualTo("DATETIME2(6)");
        }
        // a date without the tag stays FHIR text, as the view SQL leaves it
        assertThat(TypedColumns.sqlType(new Column("d", "birthDate", false, "date"), false))
                .isEqualTo("VARCHAR(8000)");
    }

    @Test
    void hintsAndCollectionsKeepTheirTypes() {
        assertThat(TypedColumns.sqlType(new Column("b", "active", false, "boolean"), true))
                .isEqualTo("BIT");
        assertThat(TypedColumns.sqlType(new Column("i", "%rowIndex", false, "integer"), true))
                .isEqualTo("BIGINT");
        assertThat(TypedColumns.sqlType(new Column("c", "code.coding", true, null), true))
                .isEqualTo("NVARCHAR(MAX)");
    }
}
